from django.dispatch import receiver
from django.utils import timezone

from parliament.watch import answer_arrived

from .models import InboxItem, InboxState


@receiver(answer_arrived, dispatch_uid="desk-inbox")
def into_the_inbox(sender, source, why, created=False, **kwargs) -> None:
    """A new or changed answer waits in the inbox (again, if it had been handled)."""
    if created:
        InboxItem.objects.create(source=source, why=why)
        return
    InboxItem.objects.update_or_create(
        source=source,
        defaults={
            "why": why,
            "arrived_at": timezone.now(),
            "state": InboxState.NEW,
            "dismissed_because": "",
            "handled_by": None,
            "handled_at": None,
        },
    )
