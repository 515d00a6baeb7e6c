from django.dispatch import receiver

from sources.signals import text_replaced

from .models import Citation


@receiver(text_replaced, dispatch_uid="commitments.recheck_citations")
def recheck_citations(sender, source, **kwargs) -> list[dict]:
    """Check every citation of a source whose text was replaced; return those that fail."""
    return [
        {
            "id": citation.pk,
            "quote": citation.quote,
            "claim": f"{citation.claim_kind} of {citation.commitment.slug}",
            "url": citation.commitment.get_absolute_url(),
        }
        for citation in Citation.objects.filter(source=source).failing()
    ]
