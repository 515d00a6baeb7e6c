"""Read-only JSON API. Field names are the CSV columns' (commitments.exports), so a script can
move between the two; values keep their types (numbers, booleans, ISO dates, null), except
amounts of money, which are exact decimal strings ("2500000.00"), never binary floats.

- /api/commitments/            the list, with the list page's filters; paginated (`page`)
- /api/commitments/<slug>/     one commitment with its timeline, money, citations and the
                               bills that carry it (`bill_details`: where each stood on the date)
- /api/changes/?from=&to=      what changed between two dates (the /changes/ page's rows)
- /api/sources/                sources, with the sources page's filters; paginated
- /api/sources/<id>/           one source with its stored text and the passages cited from it
"""

import datetime
from decimal import Decimal

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, JsonResponse
from django.urls import reverse

from sources.models import SourceDocument

from . import changes
from .changes import changes_range
from .exports import DATASETS, Dataset, make_filterset, site_origin
from .models import Bill, Citation

PAGE_SIZE = 50
PENNY = Decimal("0.01")
COMMITMENTS, SOURCES = DATASETS["commitments"], DATASETS["sources"]


def value(raw):
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, Decimal):  # money: an exact decimal string, as DRF writes it
        return str(raw.quantize(PENNY))
    return raw


def records(dataset: Dataset, rows, *extra: str) -> list[dict]:
    """Rows of `dataset`'s values (then the `extra` fields, as they are) as JSON objects."""
    names, typed = [*dataset.header, *extra], len(dataset.columns)
    return [
        dict(zip(names, [*map(value, row[:typed]), *row[typed:]], strict=True)) for row in rows
    ]


def _invalid(filterset) -> JsonResponse:
    return JsonResponse(
        {"error": "The filters could not be applied.", "fields": filterset.form.errors}, status=400
    )


def _page(request, filterset, dataset: Dataset):
    try:
        number = int(request.GET.get("page") or 1)
        page = Paginator(filterset.qs, PAGE_SIZE).page(number)
    except (ValueError, PageNotAnInteger, EmptyPage):
        return JsonResponse({"error": f"There is no page {request.GET.get('page')}."}, status=404)

    params = request.GET.copy()

    def link(n):
        params["page"] = n
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    this_page = filterset.qs.filter(pk__in=[obj.pk for obj in page.object_list])
    results = records(dataset, dataset.rows(this_page, request.as_of, site_origin(request)))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": results,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def commitment_list(request):
    filterset = make_filterset(COMMITMENTS, request)
    if not filterset.is_valid():
        return _invalid(filterset)
    return _page(request, filterset, COMMITMENTS)


def commitment_detail(request, slug):
    filterset = make_filterset(COMMITMENTS, request)
    if not filterset.is_valid():
        return _invalid(filterset)
    one, on, site = filterset.qs.filter(slug=slug), request.as_of, site_origin(request)
    found = records(COMMITMENTS, COMMITMENTS.rows(one, on, site, extra=["summary"]), "summary")
    if not found:
        raise Http404("No such commitment on record on this date")
    data = found[0]
    for part, name in [("timeline", "announcements"), ("funding", "funding"),
                       ("citations", "citations")]:  # fmt: skip
        data[part] = records(DATASETS[name], DATASETS[name].rows(one, on, site))
    data["bill_details"] = bill_details(one, on, site)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def bill_details(commitments, on: datetime.date, site: str) -> list[dict]:
    """Where each bill carrying these commitments stood on `on`, with the words of its stored
    source that say so (`stage_quote`) and that source's page here (`source_page_url`)."""
    bills = (
        Bill.objects.recorded()
        .filter(commitments__in=commitments)
        .standing(on)
        .order_by("pk")
        .distinct()
    )
    fields = ["stage", "stage_house", "stage_on", "next_stage", "next_stage_house",
              "next_stage_on"]  # fmt: skip
    return [
        {
            "parliament_id": bill.parliament_id,
            "title": bill.title,
            "url": bill.url,
            **{name: value(getattr(bill, name)) for name in fields},
            "is_act": bill.is_act,
            "stage_quote": bill.reached_line or None,
            "source_page_url": site + reverse("sources:detail", args=[bill.source_id]),
        }
        for bill in bills
    ]


def source_list(request):
    filterset = make_filterset(SOURCES, request)
    if not filterset.is_valid():
        return _invalid(filterset)
    return _page(request, filterset, SOURCES)


def source_detail(request, pk):
    on, site = request.as_of, site_origin(request)
    one = SourceDocument.objects.filter(pk=pk)
    found = records(SOURCES, SOURCES.values(one, on, site, extra=["text"]), "text")
    if not found:
        raise Http404("No such source")
    data = found[0]
    cited = Citation.objects.public(on).filter(source_id=pk).order_by("pk")
    data["citations"] = records(
        DATASETS["citations"], DATASETS["citations"].values(cited, on, site)
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def change_list(request):
    _form, dates, problem = changes_range(request)
    if problem:
        return JsonResponse({"error": f"The dates could not be read: {problem}"}, status=400)
    site = site_origin(request)
    rows = [change.values(site) for change in changes.changes(*dates)]
    return JsonResponse(
        {"from": dates[0].isoformat(), "to": dates[1].isoformat(), "count": len(rows),
         "results": records(changes.CHANGES, rows)},
        json_dumps_params={"ensure_ascii": False},
    )  # fmt: skip
