"""Whole-page caching for the public site, keyed by the data's version.

Every public page is a pure function of the database, the address (path, host and the
parameters the page understands) and today's date. A page sees only the parameters it declares
(`cached_page(view, params=...)`, plus as_of, which every page takes), in sorted order: any
other parameter (`?utm_source=…`, a random cache-buster) is dropped before the view runs, so
the page and its cache key are the same with or without it, and reordered parameters hit the
same entry. `DataVersion` holds one number that every save or delete of a public model
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
from django.http import HttpResponse, QueryDict

from .asof import PARAM
from .models import DataVersion


def bump_version(**kwargs) -> None:
    """Signal receiver: the public data changed."""
    if not DataVersion.objects.filter(pk=DataVersion.SINGLETON).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(pk=DataVersion.SINGLETON, defaults={"number": 1})


def understood(query: QueryDict, names: frozenset[str]) -> QueryDict:
    """The parameters of `query` named in `names`, keys in sorted order (each key's values in
    the order given); every other parameter dropped."""
    kept = QueryDict(mutable=True)
    for key in sorted(set(query) & names):
        kept.setlist(key, query.getlist(key))
    kept._mutable = False
    return kept


def _key(request, version: int) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
    raw = f"{version}|{request.today.isoformat()}|{address}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_page(view, params=()):
    """Serve a GET of `view` from the cache while the data and the date are unchanged. The view
    sees only the parameters in `params` (and as_of), whether the cache is on or not."""
    names = frozenset(params) | {PARAM}

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.GET = understood(request.GET, names)
        request.META["QUERY_STRING"] = request.GET.urlencode()
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
