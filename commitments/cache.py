"""Whole-page caching for the public site, keyed by the data's version.

Every public page is a pure function of the database, the address (path, query string, host)
and today's date. `DataVersion` holds one number that every save or delete of a public model
increases, in the same transaction as the change; a cached page is stored under the version it
was rendered from, so a change makes every older page unreachable at once, in every server
process, whatever cache backend is configured. `PUBLIC_PAGE_CACHE_SECONDS` (default 600) bounds
how long an unchanged page is kept; 0 turns the cache off.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse

from .models import DataVersion


def bump_version(**kwargs) -> None:
    """Signal receiver: the public data changed."""
    if not DataVersion.objects.filter(pk=DataVersion.SINGLETON).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(pk=DataVersion.SINGLETON, defaults={"number": 1})


def _key(request, version: int) -> str:
    raw = f"{version}|{request.today.isoformat()}|{request.build_absolute_uri()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_page(view):
    """Serve a GET of `view` from the cache while the data and the date are unchanged."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        timeout = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 600)
        if request.method not in ("GET", "HEAD") or not timeout:
            return view(request, *args, **kwargs)
        key = _key(request, DataVersion.current())
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:

            def store(rendered):
                cache.set(key, (rendered.content, rendered["Content-Type"]), timeout)

            if getattr(response, "is_rendered", True):
                store(response)
            else:
                response.add_post_render_callback(store)
        return response

    return wrapper
