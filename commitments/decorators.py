"""Decorators shared by the public endpoints."""

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def read_only(view):
    """A public endpoint that only reads: GET and HEAD are answered, any other method is a 405
    (before the CSRF check, which would otherwise answer a POST with a 403 first)."""
    return csrf_exempt(require_safe(view))
