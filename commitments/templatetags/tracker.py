from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def as_of_url(context, url: str, q: str = "") -> str:
    """`url`, with the page's `as_of` date kept when the reader chose one, and the words
    searched for (`q`) when given, so the page reached can mark them."""
    return with_as_of(url, context.get("as_of_query"), q)


def with_as_of(url: str, as_of_query: str, q: str = "") -> str:
    """`as_of_url` outside a Django template: `as_of_query` is the context's (asof.as_of)."""
    searched = urlencode({"q": q[:200].strip()}) if q and q.strip() else ""
    query = "&".join(part for part in (as_of_query, searched) if part)
    if not query:
        return url
    base, _, anchor = str(url).partition("#")
    joined = f"{base}{'&' if '?' in base else '?'}{query}"
    return f"{joined}#{anchor}" if anchor else joined


@register.simple_tag
def query(**params) -> str:
    """A query string from keyword arguments, dropping empty values: `?a=1&b=2` or ``."""
    pairs = [(k, v) for k, v in params.items() if v not in (None, "")]
    return f"?{urlencode(pairs)}" if pairs else ""


@register.filter
def percent_of(value, total) -> float:
    """`value` as a percentage of `total` (0 when total is 0), for bar widths."""
    try:
        return round(100 * float(value) / float(total), 1) if float(total) else 0.0
    except (TypeError, ValueError):
        return 0.0
