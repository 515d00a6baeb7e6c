from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sources.models import SourceDocument
from sources.signals import text_replaced

from .cache import bump_version
from .models import Announcement, Citation, Commitment, CommitmentLink, FundingLine

for model in (Commitment, Announcement, FundingLine, Citation, CommitmentLink, SourceDocument):
    post_save.connect(bump_version, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
    post_delete.connect(bump_version, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")


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
