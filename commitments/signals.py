from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from sources.models import SourceDocument

from .cache import bump_version
from .models import (
    Announcement,
    Bill,
    BillStage,
    Citation,
    Commitment,
    CommitmentLink,
    FundingLine,
)

PUBLIC_MODELS = (
    Commitment, Announcement, FundingLine, Citation, CommitmentLink, SourceDocument, Bill,
    BillStage,
)  # fmt: skip
for model in PUBLIC_MODELS:
    post_save.connect(bump_version, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
    post_delete.connect(bump_version, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")
m2m_changed.connect(bump_version, sender=Bill.commitments.through, dispatch_uid="bump-bill-links")


def _refresh(*commitment_ids) -> None:
    ids = {pk for pk in commitment_ids if pk is not None}
    if ids:
        Commitment.objects.filter(pk__in=ids).refresh_record_cache()


@receiver(pre_save, sender=Citation, dispatch_uid="record-cache-citation-pre")
@receiver(pre_save, sender=Announcement, dispatch_uid="record-cache-announcement-pre")
def remember_commitment(sender, instance, **kwargs) -> None:
    """Note the commitment a row belonged to before this save (an edit may move it)."""
    instance._commitment_before = (
        sender.objects.filter(pk=instance.pk).values_list("commitment_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Citation, dispatch_uid="record-cache-citation-save")
@receiver(post_save, sender=Announcement, dispatch_uid="record-cache-announcement-save")
@receiver(post_delete, sender=Citation, dispatch_uid="record-cache-citation-delete")
@receiver(post_delete, sender=Announcement, dispatch_uid="record-cache-announcement-delete")
def refresh_record_cache(sender, instance, **kwargs) -> None:
    """Keep Commitment.is_public and on_record_from true to the rule after every change."""
    _refresh(instance.commitment_id, getattr(instance, "_commitment_before", None))


@receiver(pre_delete, sender=Citation, dispatch_uid="citation-keep-published")
def refuse_unpublishing(sender, instance, origin=None, **kwargs) -> None:
    """Deleting a public commitment's last pledge citation would unpublish it: refused.

    Deleting the commitment itself (or an announcement, with its citations) is not this."""
    if isinstance(origin, Citation):
        leaving = {origin.pk}
    elif isinstance(origin, QuerySet) and origin.model is Citation:
        leaving = set(origin.values_list("pk", flat=True))
    else:
        return
    if instance.is_of_pledge and (
        message := Citation.unpublishing_message(instance.commitment_id, leaving=leaving)
    ):
        raise ValidationError(message)
