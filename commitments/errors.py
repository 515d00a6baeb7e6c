"""Error answers in each endpoint's own format: JSON under /api/, plain text for the CSV
exports, the feeds and the health check, an HTML page everywhere else.

`error_response` is used by code that refuses a request itself (the `as_of` middleware);
`bad_request` and `page_not_found` are the project's handler400 and handler404, so a refusal
raised anywhere (Http404, too many parameters) is answered in the same format.
"""

from concurrency.exceptions import RecordModifiedError
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views import defaults

JSON_PREFIXES = ("/api/",)
TEXT_PREFIXES = ("/export/", "/feeds/", "/healthz/")
TEMPLATES = {400: "400.html", 404: "404.html", 409: "409.html", 503: "503.html"}


def error_format(request) -> str:
    path = request.path_info
    if path.startswith(JSON_PREFIXES):
        return "json"
    if path.startswith(TEXT_PREFIXES):
        return "text"
    return "html"


def error_response(request, message: str, *, status: int = 400, **context) -> HttpResponse:
    """`message` (plain text, escaped where it is shown) with `status`, in the format of the
    endpoint asked for."""
    answer = error_format(request)
    if answer == "json":
        response = JsonResponse({"error": message, **context}, status=status)
    elif answer == "text":
        response = HttpResponse(
            f"{message}\n", status=status, content_type="text/plain; charset=utf-8"
        )
    else:
        response = TemplateResponse(
            request, TEMPLATES[status], {"message": message, **context}, status=status
        ).render()
    return response


def bad_request(request, exception, template_name="400.html"):
    return error_response(
        request, "The request could not be read: it has too many parameters or is malformed."
    )


def page_not_found(request, exception, template_name="404.html"):
    if error_format(request) == "html":
        return defaults.page_not_found(request, exception, template_name)
    # Http404("No such commitment ...") carries a message; a URL that matches no route does not.
    detail = exception.args[0] if exception is not None and exception.args else None
    message = detail if isinstance(detail, str) and detail else "There is nothing at this address."
    return error_response(request, message, status=404)


class WriteConflictMiddleware:
    """A busy database, a statement stopped by the statement timeout or a save that lost a race
    is answered with a clear refusal, never a 500: 503 "too long, try again or ask for less"
    for a cancelled statement; 503 "try again" when the database could not take the write in
    time (SQLite's lock timeout, a PostgreSQL deadlock or serialisation failure), 409 when a
    versioned save found its record changed (the admin's forms catch that first; this is the
    last guard). The request's transaction has already been rolled back: nothing was
    half-saved."""

    BUSY_SQLSTATES = {"40001", "40P01", "55P03"}
    CANCELLED_SQLSTATE = "57014"  # query_canceled: the statement timeout (settings.base)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RecordModifiedError):
            return error_response(
                request,
                "Another editor saved this record at the same moment; your save was refused and "
                "nothing was changed. Go back, reload the page and make your change again.",
                status=409,
            )
        if isinstance(exception, DatabaseError) and self._cancelled(exception):
            response = error_response(
                request,
                "This page took too long to prepare and was stopped, so that the site stays "
                "quick for everyone. Try again in a minute, or ask for less: fewer filters "
                "or search words, or an earlier page.",
                status=503,
            )
            response["Retry-After"] = "60"
            return response
        if isinstance(exception, DatabaseError) and self._busy(exception):
            response = error_response(
                request,
                "The database was busy with other saves and could not take this one in time; "
                "nothing was changed. Go back and try again in a few seconds.",
                status=503,
            )
            response["Retry-After"] = "5"
            return response
        return None

    def _cancelled(self, exception) -> bool:
        return getattr(exception.__cause__, "pgcode", None) == self.CANCELLED_SQLSTATE

    def _busy(self, exception) -> bool:
        cause = exception.__cause__
        if getattr(cause, "pgcode", None) in self.BUSY_SQLSTATES:
            return True
        return "database is locked" in str(exception) or "database table is locked" in str(
            exception
        )
