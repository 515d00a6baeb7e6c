"""The `as_of` parameter: every public page can show the tracker as it stood on a past date.

`AsOfMiddleware` reads `?as_of=YYYY-MM-DD` once per request and sets `request.as_of` (the date
to show; today when absent) and `request.as_of_given`. A malformed or future date is answered
with a 400 that says what is wrong, in the endpoint's format (commitments.errors); it never
reaches a view. The context processor puts the date in every template, and `{% as_of_url %}`
keeps it on links between pages.
"""

import datetime

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponseRedirect, QueryDict
from django.utils import timezone

from .errors import error_response

PARAM = "as_of"
DATE_PARTS = ("day", "month", "year")


class InvalidDate(ValueError):
    pass


def parse_as_of(raw: str | None, today: datetime.date) -> datetime.date | None:
    """The date in `raw` (None when absent or empty); InvalidDate when it is not usable."""
    if raw is None or raw.strip() == "":
        return None
    try:
        day = datetime.date.fromisoformat(raw.strip())
    except ValueError:
        message = f"“{raw[:40]}” is not a date: write it as YYYY-MM-DD, e.g. 2025-03-01."
        raise InvalidDate(message) from None
    if day > today:
        raise InvalidDate(
            f"{day:%-d %B %Y} is in the future: the tracker can only show what was known on or "
            "before today."
        )
    return day


class AsOfMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        today = timezone.localdate()
        request.today = today
        try:
            raw = request.GET.get(PARAM)  # the first read of the query string
        except TooManyFieldsSent:
            # Answered here: Django's own 400 (and its debug page) would read it again and fail.
            request.as_of, request.as_of_given = today, False
            request.GET = QueryDict()
            return error_response(
                request,
                f"The address has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} "
                "parameters; no page here takes that many.",
            )
        parts = [request.GET.get(f"{PARAM}-{part}") for part in DATE_PARTS]
        if raw is None and any(part is not None for part in parts):
            return self.from_date_input(request, parts, today)
        try:
            given = parse_as_of(raw, today)
        except InvalidDate as error:
            request.as_of, request.as_of_given = today, False
            return error_response(
                request, f"The as_of date is not valid. {error}", parameter=PARAM
            )
        request.as_of = given or today
        request.as_of_given = given is not None
        return self.get_response(request)

    @staticmethod
    def from_date_input(request, parts, today):
        """The GOV.UK date-input pattern (day, month and year in three boxes, no script): sent
        as as_of-day, as_of-month and as_of-year, answered with a redirect to the page's own
        address with as_of=YYYY-MM-DD, so the page a reader lands on is the one they can cite."""
        request.as_of, request.as_of_given = today, False
        query = request.GET.copy()
        for part in DATE_PARTS:
            query.pop(f"{PARAM}-{part}", None)
        query.pop("page", None)
        if not any((part or "").strip() for part in parts):  # an empty form: today
            return HttpResponseRedirect(
                f"{request.path}?{query.urlencode()}" if query else request.path
            )
        try:
            day, month, year = (int((part or "").strip()) for part in parts)
            chosen = datetime.date(year, month, day)
        except ValueError:
            return error_response(
                request,
                "The as_of date is not valid. Enter a real date as a day, a month and a year "
                "in numbers, e.g. 1 3 2025.",
                parameter=PARAM,
            )
        try:
            parse_as_of(chosen.isoformat(), today)
        except InvalidDate as error:
            return error_response(
                request, f"The as_of date is not valid. {error}", parameter=PARAM
            )
        query[PARAM] = chosen.isoformat()
        return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")


def as_of_query(request) -> str:
    """ "as_of=YYYY-MM-DD" when the reader chose the date (links keep it), else ""."""
    if not getattr(request, "as_of_given", False):
        return ""
    return f"{PARAM}={request.as_of.isoformat()}"


def as_of(request):
    """Template context: `as_of` (the date shown), `as_of_given`, `as_of_query`, `today`."""
    day = getattr(request, "as_of", None)
    given = getattr(request, "as_of_given", False)
    kept = []
    if hasattr(request, "GET"):
        kept = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (PARAM, "page") and not key.startswith(f"{PARAM}-")
            for value in values
        ]
    return {
        "as_of_kept_params": kept,
        "as_of": day,
        "as_of_given": given,
        "as_of_query": as_of_query(request),
        "today": getattr(request, "today", None) or timezone.localdate(),
    }
