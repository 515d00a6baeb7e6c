"""Drafts: what an editor records waits here until a reviewer other than its author publishes it.

A draft is not a row of the public tables with a flag on it: it lives in its own table, which no
public page, feed, export or API answer reads. Publishing writes the announcement and its
citations into the public tables in one transaction, under the reviewer's name, with the
draft's reason in their history. Nothing in a draft can reach the public by a forgotten filter.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from commitments.models import Announcement, Citation, Commitment, CommitmentState, Correction
from sources.fields import PlainTextField
from sources.models import SourceDocument

# The announcement fields a draft carries (the commitment is the draft's own column).
ANNOUNCEMENT_FIELDS = (
    "date",
    "kind",
    "new_status",
    "new_deadline",
    "deadline_wording",
    "new_firmness",
    "claimed_status",
    "summary",
    "note",
)
CITATION_FIELDS = ("source", "quote", "locator", "supports")
PLEDGE = "pledge"  # a citation of the pledge itself, not of the event


class DraftKind(models.TextChoices):
    DEVELOPMENT = "development", "New development"
    CHANGE = "change", "Change to a published record"


class ChangeType(models.TextChoices):
    UPDATE = "update", "Update: new information, or a clearer wording"
    CORRECTION = "correction", "Correction: what was published was wrong (listed publicly)"


# What can be changed, per model, by a change draft.
CHANGEABLE = {
    "commitment": ["title", "pledge_text", "summary", "theme", "lead_department", "parent",
                   "references", "searched_on"],
    "announcement": ["date", "kind", "summary", "new_status", "new_deadline",
                     "deadline_wording", "new_firmness", "claimed_status", "note"],
    "fundingline": ["amount", "stage", "stated_on", "recipient", "purpose", "period", "parent",
                    "same_money_as", "may_overlap", "note"],
    "citation": ["source", "quote", "locator"],
}  # fmt: skip


def stored(field, value):
    """A field's value as the draft stores it in JSON (a related row by its key)."""
    if isinstance(value, models.Model):
        return value.pk
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def shown(instance, field) -> str:
    """A field's value as a reader reads it: a choice's label, a related row's name, a date in
    words, "(empty)" for nothing."""
    value = getattr(instance, field.name)
    if value in (None, ""):
        return "(empty)"
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def describe_record(instance) -> str:
    """What a record is, for a reader of the corrections page."""
    name = instance._meta.model_name
    if name == "commitment":
        return "the commitment"
    if name == "announcement":
        return f"the event of {instance.date:%-d %B %Y}"
    if name == "fundingline":
        return f"the amount of £{instance.amount:,.0f}"
    return f"a quotation from “{instance.source.label}”"


class DraftState(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    PUBLISHED = "published", "Published"
    SENT_BACK = "sent_back", "Sent back"


class DraftQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=DraftState.PENDING)


@dataclass
class Effect:
    """What publishing a draft would do to its commitment's public page today."""

    before: CommitmentState
    after: CommitmentState | None
    public_before: bool
    public_after: bool
    event_shown: bool  # the new event appears on the public page today
    notes: list[str] = field(default_factory=list)  # why not public, what does not change
    errors: list[str] = field(default_factory=list)  # why it cannot be published

    @property
    def changes_state(self) -> bool:
        after = self.after
        return after is not None and (
            (after.status, after.status_since, after.deadline)
            != (self.before.status, self.before.status_since, self.before.deadline)
        )

    @property
    def changes_status_or_deadline(self) -> bool:
        after = self.after
        return after is not None and (
            (after.status, after.deadline) != (self.before.status, self.before.deadline)
        )


class Draft(models.Model):
    """A development recorded by an editor: one announcement and the citations it rests on."""

    kind = models.CharField(
        max_length=20, choices=DraftKind.choices, default=DraftKind.DEVELOPMENT
    )
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="drafts")
    announcement = models.JSONField(
        encoder=DjangoJSONEncoder,
        default=dict,
        blank=True,
        help_text="A development: the announcement's fields, as the form cleaned them.",
    )
    citations = models.JSONField(
        encoder=DjangoJSONEncoder,
        default=list,
        blank=True,
        help_text="A development: each citation's source id, quote and locator.",
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    changes = models.JSONField(
        encoder=DjangoJSONEncoder,
        default=dict,
        blank=True,
        help_text="A change: each changed field's new value.",
    )
    before = models.JSONField(
        encoder=DjangoJSONEncoder,
        default=dict,
        blank=True,
        help_text="A change: each changed field's value when the draft was made.",
    )
    seen_version = models.BigIntegerField(
        null=True, blank=True, help_text="A change: the record's version it was made against."
    )
    change_type = models.CharField(max_length=20, choices=ChangeType.choices, blank=True)
    reason = PlainTextField(blank=True, help_text="Why the published record changes.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=20, choices=DraftState.choices, default=DraftState.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_drafts",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = PlainTextField(
        blank=True, help_text="For the author: why it was sent back, or what was checked."
    )
    published = models.OneToOneField(
        Announcement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
        help_text="The announcement publishing this draft created.",
    )

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("publish_draft", "Can publish another editor's draft")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reviewer=F("author")),
                name="desk_draft_four_eyes",
                violation_error_message="Nobody may review their own draft.",
            ),
            models.CheckConstraint(
                condition=Q(state=DraftState.PENDING) | Q(reviewer__isnull=False),
                name="desk_draft_reviewed_has_reviewer",
                violation_error_message="A reviewed draft names its reviewer.",
            ),
        ]

    def __str__(self):
        if self.kind == DraftKind.CHANGE:
            kind = self.get_change_type_display().split(":")[0]
            return f"Draft #{self.pk}: {kind} – {self.commitment}"
        return f"Draft #{self.pk}: {self.event_date} – {self.commitment}"

    def get_absolute_url(self):
        return reverse("admin:desk_draft_change", args=[self.pk])

    @classmethod
    def for_change(cls, form, reason: str, change_type: str, **kwargs) -> Draft:
        """A change draft from a bound, valid ModelForm of a published record."""
        instance = form.instance
        current = type(instance)._base_manager.get(pk=instance.pk)
        names = [name for name in form.changed_data if name in form.fields]
        fields = {name: instance._meta.get_field(name) for name in names}
        return cls(
            kind=DraftKind.CHANGE,
            commitment_id=instance.pk
            if isinstance(instance, Commitment)
            else instance.commitment_id,
            target_type=ContentType.objects.get_for_model(instance),
            target_id=instance.pk,
            changes={n: stored(f, form.cleaned_data[n]) for n, f in fields.items()},
            before={n: stored(f, getattr(current, n)) for n, f in fields.items()},
            seen_version=current.version,
            reason=reason,
            change_type=change_type,
            **kwargs,
        )

    def changed_fields(self) -> list[dict]:
        """Each changed field: its label, and its value before and after, as a reader reads
        them."""
        model = self.target_type.model_class()
        before, after = model(), model()
        for name, value in self.before.items():
            field = model._meta.get_field(name)
            setattr(before, field.attname, field.to_python(value))
        for name, value in self.changes.items():
            field = model._meta.get_field(name)
            setattr(after, field.attname, field.to_python(value))
        rows = []
        for name in self.changes:
            field = model._meta.get_field(name)
            rows.append(
                {
                    "name": name,
                    "label": str(field.verbose_name).capitalize(),
                    "before": shown(before, field),
                    "after": shown(after, field),
                }
            )
        return rows

    # -- reading the stored fields -------------------------------------------------------------

    @classmethod
    def from_forms(cls, announcement: dict, citations: list[dict], **kwargs) -> Draft:
        """A draft from cleaned form data (model instances become their primary keys)."""
        return cls(
            commitment=announcement["commitment"],
            announcement={name: announcement[name] for name in ANNOUNCEMENT_FIELDS},
            citations=[
                {
                    "source": c["source"].pk,
                    "quote": c["quote"],
                    "locator": c.get("locator", ""),
                    "supports": c.get("supports", "event"),
                }
                for c in citations
            ],
            **kwargs,
        )

    @property
    def event_date(self) -> datetime.date:
        return Announcement._meta.get_field("date").to_python(self.announcement["date"])

    def build(self) -> tuple[Announcement, list[Citation]]:
        """The announcement and citations this draft would write, unsaved."""
        values = {}
        for name in ANNOUNCEMENT_FIELDS:
            field, given = Announcement._meta.get_field(name), self.announcement.get(name)
            # A draft saved before a field existed (or left blank) takes the field's default.
            values[name] = field.to_python(given) if given is not None else field.get_default()
        values["new_deadline"] = values["new_deadline"] or None
        announcement = Announcement(commitment_id=self.commitment_id, **values)
        sources = SourceDocument.objects.in_bulk([c["source"] for c in self.citations])
        citations = []
        for c in self.citations:
            citation = Citation(
                commitment_id=self.commitment_id,
                source=sources.get(c["source"]) or SourceDocument(pk=c["source"]),
                quote=c["quote"],
                locator=c.get("locator", ""),
            )
            citation.supports = c.get("supports", "event")
            citations.append(citation)
        return announcement, citations

    # -- writing -------------------------------------------------------------------------------

    def write(self, reason: str = "", user=None):
        """Save the announcement and its citations, or the change (checked as every save is).
        Call inside a transaction: a refused row leaves nothing behind."""
        if self.kind == DraftKind.CHANGE:
            return self._apply_change(reason, user)
        announcement, citations = self.build()
        announcement._change_reason, announcement._history_user = reason, user
        announcement.full_clean()
        announcement.save()
        for citation in citations:
            if citation.supports != PLEDGE:
                citation.announcement = announcement
            citation._change_reason, citation._history_user = reason, user
            citation.full_clean()
            citation.save()
        return announcement

    def _apply_change(self, reason: str, user):
        model = self.target_type.model_class()
        record = model._base_manager.select_for_update().filter(pk=self.target_id).first()
        if record is None:
            raise ValidationError("The record this draft changes was deleted.")
        if record.version != self.seen_version:
            raise ValidationError(
                "The record was changed by someone else after this draft was made: send it back "
                "so that it is made again on top of the current version."
            )
        for name, value in self.changes.items():
            field = model._meta.get_field(name)
            setattr(record, field.attname, field.to_python(value))
        record._change_reason, record._history_user = reason, user
        record.full_clean()
        record.save()
        return record

    def effect(self, today: datetime.date | None = None) -> Effect:
        """What publishing this draft would change on its commitment's public page today,
        found by writing it in a transaction that is then rolled back: the same code that
        draws the public page decides, so the preview cannot disagree with it."""
        today = today or timezone.localdate()
        commitment = Commitment.objects.get(pk=self.commitment_id)
        before = commitment.state_on(today)
        effect = Effect(
            before=before,
            after=None,
            public_before=Commitment.objects.public(today).filter(pk=commitment.pk).exists(),
            public_after=False,
            event_shown=False,
        )
        with transaction.atomic():
            try:
                written = self.write()
            except ValidationError as error:
                effect.errors = error.messages
            else:
                effect.after = commitment.state_on(today)
                effect.public_after = (
                    Commitment.objects.public(today).filter(pk=commitment.pk).exists()
                )
                effect.event_shown = (
                    not isinstance(written, Announcement)
                    or Announcement.objects.public(today).filter(pk=written.pk).exists()
                )
            transaction.set_rollback(True)
        effect.notes = self._notes(effect, today)
        return effect

    def _notes(self, effect: Effect, today: datetime.date) -> list[str]:
        if effect.errors:
            return []
        if self.kind == DraftKind.CHANGE:
            notes = []
            if self.change_type == ChangeType.CORRECTION and effect.public_before:
                notes.append(
                    "It is a correction: once published it is listed on the corrections page "
                    "and on the commitment's page, with the values before and after, and why."
                )
            if effect.changes_status_or_deadline and "summary" not in self.changes:
                notes.append(
                    "The status or deadline changes: the commitment's summary will be marked "
                    "for review."
                )
            return notes
        notes = []
        announcement, citations = self.build()
        if not effect.public_after:
            if not Citation.objects.of_pledges().filter(commitment=self.commitment_id).exists():
                notes.append(
                    "The commitment has no public page: its pledge is not cited yet, so "
                    "nothing about it is public until a citation of the pledge is added."
                )
            else:
                notes.append(
                    "The commitment has no public page yet: no evidenced event gives it a "
                    "status on or before today."
                )
        elif not effect.event_shown:
            if announcement.date > today:
                notes.append(
                    f"It is dated {announcement.date:%-d %B %Y}, after today: it will show, "
                    "and count, from that day."
                )
            else:
                notes.append("It will not show on the public page today.")
        late = [
            c.source for c in citations if c.source.published_on and c.source.published_on > today
        ]
        for source in late:
            notes.append(
                f"“{source.title}” is dated {source.published_on:%-d %B %Y}, after today: "
                "its quote shows from that day."
            )
        after = effect.after
        if announcement.new_status and after is not None and effect.public_after:
            if after.status != announcement.new_status:
                notes.append(
                    f"A later event sets the status, so today's status stays "
                    f"“{after.get_status_display()}”; this event only adds to the timeline."
                )
            elif not effect.changes_state:
                notes.append(
                    f"The status is already “{after.get_status_display()}”: this event "
                    "confirms it and does not change it."
                )
        if effect.changes_status_or_deadline and self.commitment.summary:
            notes.append(
                "The status or deadline changes: the commitment's summary will be marked for "
                "review, so that it does not contradict the new state."
            )
        return notes

    # -- review --------------------------------------------------------------------------------

    def can_be_reviewed_by(self, user) -> bool:
        return (
            self.state == DraftState.PENDING
            and user.pk != self.author_id
            and user.has_perm("desk.publish_draft")
        )

    def publish(self, reviewer, note: str = "") -> Announcement:
        """Write the draft into the public tables, by `reviewer` (never its author)."""
        if not self.can_be_reviewed_by(reviewer):
            raise ValidationError("Only a reviewer other than its author can publish a draft.")
        with transaction.atomic():
            locked = Draft.objects.select_for_update().get(pk=self.pk)
            if locked.state != DraftState.PENDING:
                raise ValidationError("This draft was reviewed by someone else meanwhile.")
            effect = self.effect()
            if effect.errors:
                raise ValidationError(effect.errors)
            reason = f"Draft #{self.pk} by {self.author}, published by {reviewer}"
            if self.reason:
                reason = f"{reason}: {self.reason}"
            written = self.write(reason=reason, user=reviewer)
            summary = Commitment.objects.filter(pk=self.commitment_id)
            if self.kind == DraftKind.CHANGE and "summary" in self.changes:
                summary.update(summary_needs_review=False)  # rewritten and reviewed
            elif effect.changes_status_or_deadline and self.commitment.summary:
                summary.update(summary_needs_review=True)
            if self.kind == DraftKind.CHANGE and self.change_type == ChangeType.CORRECTION:
                self._record_correction(written)
            self.state, self.reviewer, self.reviewed_at = (
                DraftState.PUBLISHED,
                reviewer,
                timezone.now(),
            )
            self.review_note = note
            self.published = written if isinstance(written, Announcement) else None
            self.save()
        return written

    def _record_correction(self, record) -> None:
        on = timezone.localdate()
        Correction.objects.bulk_create(
            Correction(
                commitment_id=self.commitment_id,
                change=self.pk,
                corrected_on=on,
                record=describe_record(record),
                record_url=record.get_absolute_url()
                if hasattr(record, "get_absolute_url")
                else "",
                field=row["label"],
                before=row["before"],
                after=row["after"],
                reason=self.reason,
            )
            for row in self.changed_fields()
        )

    def send_back(self, reviewer, note: str) -> None:
        if not self.can_be_reviewed_by(reviewer):
            raise ValidationError("Only a reviewer other than its author can send a draft back.")
        if not note.strip():
            raise ValidationError("Say why it is sent back, so its author can put it right.")
        self.state, self.reviewer, self.reviewed_at = (
            DraftState.SENT_BACK,
            reviewer,
            timezone.now(),
        )
        self.review_note = note
        self.save()


class InboxState(models.TextChoices):
    NEW = "new", "New"
    RECORDED = "recorded", "Recorded as a development"
    DISMISSED = "dismissed", "Dismissed"


class InboxItem(models.Model):
    """A source Parliament's API brought in (parliament.watch): waits for an editor to record
    what it changes, or to dismiss it with a reason."""

    source = models.OneToOneField(
        SourceDocument, on_delete=models.CASCADE, related_name="inbox_item"
    )
    why = models.CharField(max_length=100, help_text="A new answer, a corrected answer…")
    arrived_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=InboxState.choices, default=InboxState.NEW)
    dismissed_because = PlainTextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-arrived_at", "-pk"]
        verbose_name = "inbox item"
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=InboxState.DISMISSED) | ~Q(dismissed_because=""),
                name="desk_inboxitem_dismissed_says_why",
                violation_error_message="Say why it is dismissed.",
            )
        ]

    def __str__(self):
        return str(self.source)
