import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView, TemplateView

from sources.search import full_text, search_terms
from sources.text import normalise, snippet

from . import band
from . import changes as changes_module
from .asof import as_of_query
from .changes import changes_range
from .exports import DATASETS, filename, make_filterset, site_origin, sql_stream, stream
from .exports.workbook import CONTENT_TYPE as WORKBOOK_TYPE
from .exports.workbook import workbook
from .filters import commitment_filterset
from .models import (
    CLOSED_STATUSES,
    FIRMNESS_DEFINITIONS,
    STATUS_DEFINITIONS,
    Announcement,
    Citation,
    Commitment,
    Correction,
    Firmness,
    FundingLine,
    Status,
)
from .search import headlines

STALE_AFTER_MONTHS = 6


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when it has no such day);
    the first day there is when that is before year 1."""
    month_index = day.year * 12 + day.month - 1 - months
    if month_index < 12:  # before January of year 1
        return datetime.date.min
    year, month = divmod(month_index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def healthz(request):
    """A trivial view for load balancers and for the benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain")


ROADMAP_LIMIT = 100
HOME_LIST_LIMIT = 25  # the home page's overdue and no-news lists; the list page has the rest


def roadmap(on) -> dict:
    """The home page's roadmap: a small band for each commitment with a page (at most
    ROADMAP_LIMIT: the latest to come on record), all on one time axis, in the order their
    bands start. One query, which reads no commitment's state but the cached start date."""
    shown = Commitment.objects.public(on).order_by("-on_record_from", "-pk")
    events = (
        Announcement.objects.evidenced()
        .filter(date__lte=on, commitment__in=shown.values("pk")[:ROADMAP_LIMIT])
        .exclude(new_status="", new_deadline__isnull=True)
        .select_related("commitment")
        .only("pk", "date", "new_status", "new_deadline", "commitment__title", "commitment__slug")
    )
    timelines: dict = {}
    for event in events:
        timelines.setdefault(event.commitment, []).append(event)
    drawings, axis = band.minis(timelines, on)

    def starts(commitment):
        return (min(e.date for e in timelines[commitment]), commitment.title)

    rows = [(commitment, drawings[commitment]) for commitment in sorted(timelines, key=starts)]
    return {"rows": rows, "axis": axis, "axis_svg": band.axis_labels(axis),
            "patterns": band.patterns()}  # fmt: skip


class HomeView(TemplateView):
    template_name = "commitments/home.html"

    def get_context_data(self, **kwargs):
        on = self.request.as_of
        commitments = Commitment.objects.public(on).as_of(on)
        counts = dict(
            commitments.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        total = sum(counts.values())
        by_status = [{"status": status, "count": counts.get(status.value, 0)} for status in Status]
        latest = (
            Announcement.objects.public(on)
            .select_related("commitment")
            .order_by("-date", "-pk")[:10]
        )
        stale_before = months_before(on, STALE_AFTER_MONTHS)
        lines = FundingLine.objects.public(on)
        return super().get_context_data(
            roadmap=roadmap(on),
            by_status=by_status,
            total=total,
            # At most HOME_LIST_LIMIT of each list (one more is read to know there are more).
            overdue=commitments.filter(is_overdue=True).order_by("deadline", "title")[
                : HOME_LIST_LIMIT + 1
            ],
            latest=latest,
            money=lines.totals_by_stage(),
            disagreements=lines.disagreeing().count(),
            stale=commitments.exclude(status__in=CLOSED_STATUSES)
            .filter(last_evidence_on__lt=stale_before)
            .order_by("last_evidence_on", "title")[: HOME_LIST_LIMIT + 1],
            stale_before=stale_before,
            home_list_limit=HOME_LIST_LIMIT,
            **kwargs,
        )


class FilteredListView(ListView):
    """A paginated list whose parameters all go through one FilterSet (`get_filterset`).

    Parameters the FilterSet cannot accept are answered with a 400 page listing what is wrong;
    a page number out of range with a 404 page that says so. Pagination links keep the filters.
    """

    paginate_by = 50

    def get_filterset(self, request):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(request)
        self.page_error = False
        if not self.filterset.is_valid():
            self.object_list = self.filterset.queryset.none()
            return self.render_to_response(self.get_context_data(), status=400)
        self.object_list = self.filterset.qs
        try:
            context = self.get_context_data()
        except Http404:
            self.object_list = self.filterset.queryset.none()
            self.page_error = True
            self.paginate_by = None  # render the message without paginating again
            return self.render_to_response(self.get_context_data(), status=404)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            filter_query=params.urlencode(),
            page_error=self.page_error,
            requested_page=self.request.GET.get("page", ""),
            **kwargs,
        )


class CommitmentListView(FilteredListView):
    """The filterable list; every parameter goes through CommitmentFilter. With a search, each
    result shows the words around where the search matched (its own words, then its timeline's)."""

    template_name = "commitments/commitment_list.html"
    context_object_name = "commitments"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = self.request.as_of
        q = self.request.GET.get("q", "").strip()
        page = context.get("commitments") or []
        context["searched"] = bool(q and page)
        # The page's timelines, read once: each row's small band, and the snippets' words.
        timelines: dict[int, list] = {c.pk: [] for c in page}
        events = Announcement.objects.evidenced().filter(
            commitment__in=list(timelines), date__lte=on
        )
        for event in events.band_events(summaries=bool(q) and not full_text()):
            timelines[event.commitment_id].append(event)
        drawings, axis = band.minis(timelines, on, width=200)
        context.update(
            band_axis=axis, band_axis_svg=band.axis_labels(axis), band_patterns=band.patterns()
        )
        terms = search_terms(q)
        # PostgreSQL marks the words its own search matched (ts_headline); SQLite, whose search
        # looks for the words as they are, marks them so too.
        marked = headlines(list(timelines), q, on=on) if q and terms and full_text() else None
        for commitment in page:
            commitment.band = drawings[commitment.pk]
            if q and marked is not None:
                commitment.snippet = marked[commitment.pk]
            elif q:
                texts = [commitment.title, commitment.pledge_text, commitment.summary,
                         *(e.summary for e in timelines[commitment.pk])]  # fmt: skip
                commitment.snippet = snippet(texts, terms)
        # The rows, in Jinja2 (see config/jinja2.py): its output is escaped as it is written.
        rows = render_to_string(
            "commitments/list_rows.jinja",
            {"commitments": page, "searched": context["searched"],
             "as_of_query": as_of_query(self.request)},
            using="jinja2",
        )  # fmt: skip
        context["rows"] = mark_safe(rows)  # noqa: S308
        return context

    def get_filterset(self, request):
        return commitment_filterset(request)


class CommitmentDetailView(DetailView):
    template_name = "commitments/commitment_detail.html"
    context_object_name = "commitment"

    def get_object(self, queryset=None):
        on_the_date = Commitment.objects.for_page(self.request.as_of)
        return get_object_or_404(on_the_date, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        state = self.object.state
        timeline = self.object.timeline
        deadlines = [event for event in timeline if event.new_deadline]
        drawing, drawing_text = band.draw(timeline, state.on, label_id="band-text")
        return super().get_context_data(
            corrections=grouped(self.object.published_corrections),
            state=state,
            status_event=state.status_event(timeline),
            band=drawing,
            band_text=drawing_text,
            pledge_quotes=[
                (citation, normalise(citation.quote) == normalise(self.object.pledge_text))
                for citation in self.object.pledge_quotes
            ],
            claim_event=state.claim_event(timeline) if state.claim_differs else None,
            firmness_event=state.firmness_event(timeline),
            deadline_history=deadlines,
            **kwargs,
        )


class FundingView(TemplateView):
    template_name = "commitments/funding.html"

    def get_context_data(self, **kwargs):
        on = self.request.as_of
        lines = FundingLine.objects.public(on)
        flagged = (
            lines.with_flags()
            .select_related("commitment", "parent__commitment", "same_money_as__commitment")
            .prefetch_related(
                Prefetch("citations", queryset=Citation.objects.select_related("source"))
            )
            .order_by("commitment__title", "commitment_id", "stated_on", "pk")
        )
        rows = list(flagged)
        groups: dict[int, dict] = {}
        for line in rows:
            group = groups.setdefault(
                line.commitment_id, {"commitment": line.commitment, "lines": []}
            )
            group["lines"].append(line)
        return super().get_context_data(
            totals=lines.totals_by_stage(),
            groups=list(groups.values()),
            disagreements=[line for line in rows if line.is_disagreement],
            not_adding_up=[line for line in rows if line.parts_add_up is False],
            line_count=len(rows),
            **kwargs,
        )


def grouped(corrections) -> list[dict]:
    """Corrections in their order, the fields corrected together (one `change`) in one group:
    `first` (for the date, record and reason) and `fields`."""
    changes: dict[int, dict] = {}
    for row in corrections:
        changes.setdefault(row.change, {"first": row, "fields": []})["fields"].append(row)
    return list(changes.values())


class CorrectionsView(TemplateView):
    """Every correction made by the as_of date, newest first, the fields corrected together
    kept together."""

    template_name = "commitments/corrections.html"

    def get_context_data(self, **kwargs):
        rows = Correction.objects.public(self.request.as_of).select_related("commitment")
        return super().get_context_data(changes=grouped(rows), **kwargs)


class MethodologyView(TemplateView):
    template_name = "commitments/methodology.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            datasets=[*DATASETS.values(), changes_module.CHANGES],
            definitions=[(status, STATUS_DEFINITIONS[status]) for status in Status],
            firmness_definitions=[(f, FIRMNESS_DEFINITIONS[f]) for f in Firmness],
            closed=[Status(value).label for value in CLOSED_STATUSES],
            stale_months=STALE_AFTER_MONTHS,
            **kwargs,
        )


def export_csv(request, dataset: str):
    """/export/<dataset>.csv: the rows the matching page shows, streamed as CSV."""
    declared = DATASETS.get(dataset)
    if declared is None:
        raise Http404("No such export")
    filterset = make_filterset(declared, request)
    if not filterset.is_valid():
        problems = [
            f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
            for name, errors in filterset.form.errors.items()
        ]
        return HttpResponse(
            "The filters could not be applied:\n" + "\n".join(problems) + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    on, site = request.as_of, site_origin(request)
    query = None
    if connection.vendor == "postgresql":
        try:
            query = declared.sql(filterset.qs, on, site)
        except EmptyResultSet:  # a filter that can match nothing (a search of only "-")
            query = None
    if query is not None:
        content = sql_stream(declared.header, *query)  # cells written in SQL
    else:
        content = stream(declared, declared.rows(filterset.qs, on, site))
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    name = filename(declared, request, request.today)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def changes_view(request):
    """/changes/?from=&to=: what changed between two dates (the last 30 days by default)."""
    form, dates, problem = changes_range(request)
    context = {
        "form": form, "problem": problem, "rows": None, "start": None, "end": None,
        "start_value": dates[0].isoformat() if dates else form.data.get("start", ""),
        "end_value": dates[1].isoformat() if dates else form.data.get("end", ""),
    }  # fmt: skip
    if dates:
        rows = changes_module.changes(*dates)
        query = f"from={dates[0].isoformat()}&to={dates[1].isoformat()}"
        context.update(start=dates[0], end=dates[1], rows=rows, range_query=query)
    response = render(request, "commitments/changes.html", context, status=400 if problem else 200)
    return response


def changes_csv(request):
    _form, dates, problem = changes_range(request)
    if problem:
        return HttpResponse(f"The dates could not be read: {problem}\n", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    site = site_origin(request)
    rows = [change.values(site) for change in changes_module.changes(*dates)]
    response = StreamingHttpResponse(stream(changes_module.CHANGES, rows),
                                     content_type="text/csv; charset=utf-8")  # fmt: skip
    name = f"changes_{dates[0].isoformat()}_{dates[1].isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_xlsx(request, dataset: str):
    """/export/<dataset>.xlsx: what /export/<dataset>.csv holds, as an Excel workbook."""
    declared = DATASETS.get(dataset)
    if declared is None:
        raise Http404("No such export")
    filterset = make_filterset(declared, request)
    if not filterset.is_valid():
        return export_csv(request, dataset)  # the same plain-text 400
    rows = declared.rows(filterset.qs, request.as_of, site_origin(request))
    name = filename(declared, request, request.today).removesuffix(".csv") + ".xlsx"
    return FileResponse(workbook(declared, rows), as_attachment=True, filename=name,
                        content_type=WORKBOOK_TYPE)  # fmt: skip


def changes_xlsx(request):
    _form, dates, problem = changes_range(request)
    if problem:
        return changes_csv(request)  # the same plain-text 400
    site = site_origin(request)
    rows = [change.values(site) for change in changes_module.changes(*dates)]
    name = f"changes_{dates[0].isoformat()}_{dates[1].isoformat()}.xlsx"
    return FileResponse(workbook(changes_module.CHANGES, rows), as_attachment=True,
                        filename=name, content_type=WORKBOOK_TYPE)  # fmt: skip
