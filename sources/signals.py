"""Signals the sources app sends; other apps react without sources importing them."""

from django.dispatch import Signal

text_replaced = Signal()
"""Sent after an import replaced a source's stored text (kwargs: `source`).

Receivers return a list of dicts describing the claims that no longer hold against the new
text (`id`, `quote`, `claim`, `url`); the importer reports them.
"""
