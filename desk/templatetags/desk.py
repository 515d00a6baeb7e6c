from django import template

from desk.models import Draft, DraftState, InboxItem, InboxState

register = template.Library()


@register.simple_tag
def waiting() -> dict:
    """How many inbox items and drafts wait, for the admin's index."""
    return {
        "inbox": InboxItem.objects.filter(state=InboxState.NEW).count(),
        "drafts": Draft.objects.filter(state=DraftState.PENDING).count(),
    }
