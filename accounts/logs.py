"""One structured log line per request (logger "tracker.request"): method, path, status,
duration and the user's id, under the request id django-guid gives every line."""

import logging
import time

logger = logging.getLogger("tracker.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(1000 * (time.perf_counter() - started), 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
