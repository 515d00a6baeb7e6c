"""Read-only JSON API. Field names are the CSV columns' (commitments.exports), so a script can
move between the two; values keep their types (numbers, booleans, ISO dates, null), except
amounts of money, which are exact decimal strings ("2500000.00"), never binary floats.

- /api/commitments/            the list, with the list page's filters; paginated (`page`)
- /api/commitments/<slug>/     one commitment with its timeline, money and citations
- /api/sources/                sources, with the sources page's filters; paginated
- /api/sources/<id>/           one source with its stored text and the passages cited from it
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404

from sources.models import SourceDocument

from .exports import (
    ANNOUNCEMENT_COLUMNS,
    CITATION_COLUMNS,
    COMMITMENT_COLUMNS,
    DATASETS,
    FUNDING_COLUMNS,
    SOURCE_COLUMNS,
    announcement_rows,
    citation_rows,
    commitment_rows,
    funding_rows,
    make_filterset,
    source_rows,
)
from .models import Citation

PAGE_SIZE = 50
PENNY = Decimal("0.01")


def value(raw, kind: str):
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, Decimal):  # money: an exact decimal string, as DRF writes it
        return str(raw.quantize(PENNY))
    return raw


def record(columns, row) -> dict:
    return {column.name: value(column.get(row), column.kind) for column in columns}


def _invalid(filterset) -> JsonResponse:
    return JsonResponse(
        {"error": "The filters could not be applied.", "fields": filterset.form.errors}, status=400
    )


def _page(request, filterset, rows_of, columns):
    try:
        number = int(request.GET.get("page") or 1)
        page = Paginator(filterset.qs, PAGE_SIZE).page(number)
    except (ValueError, PageNotAnInteger, EmptyPage):
        return JsonResponse({"error": f"There is no page {request.GET.get('page')}."}, status=404)

    # The row helpers read `.qs` and `.as_of_date`: hand them this page's rows only.
    narrowed = SimpleNamespace(
        qs=filterset.qs.filter(pk__in=[obj.pk for obj in page.object_list]),
        as_of_date=getattr(filterset, "as_of_date", None),
    )

    params = request.GET.copy()

    def link(n):
        params["page"] = n
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    results = [record(columns, row) for row in rows_of(narrowed, request)]
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
    filterset = make_filterset(DATASETS["commitments"], request)
    if not filterset.is_valid():
        return _invalid(filterset)
    return _page(request, filterset, commitment_rows, COMMITMENT_COLUMNS)


def commitment_detail(request, slug):
    filterset = make_filterset(DATASETS["commitments"], request)
    if not filterset.is_valid():
        return _invalid(filterset)
    one = SimpleNamespace(qs=filterset.qs.filter(slug=slug), as_of_date=filterset.as_of_date)
    rows = list(commitment_rows(one, request))
    if not rows:
        raise Http404("No such commitment on record on this date")
    data = record(COMMITMENT_COLUMNS, rows[0])
    data["summary"] = rows[0].summary
    data["timeline"] = [
        record(ANNOUNCEMENT_COLUMNS, row) for row in announcement_rows(one, request)
    ]
    data["funding"] = [record(FUNDING_COLUMNS, row) for row in funding_rows(one, request)]
    data["citations"] = [record(CITATION_COLUMNS, row) for row in citation_rows(one, request)]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def source_list(request):
    filterset = make_filterset(DATASETS["sources"], request)
    if not filterset.is_valid():
        return _invalid(filterset)
    return _page(request, filterset, source_rows, SOURCE_COLUMNS)


def source_detail(request, pk):
    source = get_object_or_404(SourceDocument, pk=pk)
    source.site = f"{request.scheme}://{request.get_host()}"
    data = record(SOURCE_COLUMNS, source)
    data["text"] = source.text
    cited = (
        Citation.objects.public(request.as_of)
        .filter(source=source)
        .select_related("commitment", "announcement", "source")
        .order_by("pk")
    )
    for citation in cited:
        citation.site = source.site
    data["citations"] = [record(CITATION_COLUMNS, citation) for citation in cited]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
