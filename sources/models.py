import hashlib

from concurrency.fields import IntegerVersionField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .fields import PlainCharField, PlainTextField
from .text import contains_quote, normalise


def describe_broken(broken: list[dict]) -> str:
    """A refusal that lists the citations a new text would break."""
    listed = "; ".join(f"#{c['id']} ({c['claim']}): “{c['quote'][:80]}”" for c in broken)
    return (
        f"The new text does not contain the quotes of {len(broken)} citation(s), so it was not "
        f"stored: {listed}. Correct or remove those citations first, or keep the old text."
    )


class SourceKind(models.TextChoices):
    WRITTEN_ANSWER = "written_answer", "Written answer"
    WRITTEN_STATEMENT = "written_statement", "Written statement"
    ORAL_STATEMENT = "oral_statement", "Oral statement"
    PRESS_RELEASE = "press_release", "Press release"
    NEWS_REPORT = "news_report", "News report"
    GOVERNMENT_PUBLICATION = "government_publication", "Government publication"
    LEGISLATION = "legislation", "Legislation"
    BILL = "bill", "Bill's stages (Parliament)"
    DEBATE = "debate", "Debate"
    OTHER = "other", "Other"


class Provenance(models.TextChoices):
    PRIMARY = "primary", "Primary (the official publication)"
    PRIMARY_MIRROR = "primary_mirror", "Primary, via a mirror (e.g. a Hansard mirror)"
    SECONDARY = "secondary", "Secondary (news, commentary, aggregator)"


# How a citation names its source's provenance (the methodology page explains each).
PROVENANCE_LEVELS = {
    Provenance.PRIMARY: "primary source",
    Provenance.PRIMARY_MIRROR: "primary, via a mirror",
    Provenance.SECONDARY: "secondary source",
}


class SourceDocument(models.Model):
    """One public document, stored as text, that claims in the tracker can cite."""

    kind = models.CharField(max_length=32, choices=SourceKind.choices)
    title = PlainCharField(max_length=500, help_text="The document's own title or heading.")
    url = models.URLField(
        "URL",
        max_length=1000,
        blank=True,
        help_text="Where the document was published. Must be unique; leave blank if none.",
    )
    publisher = PlainCharField(
        max_length=200,
        blank=True,
        help_text="Who published this page, e.g. 'GOV.UK', 'Parallel Parliament', 'BBC News'.",
    )
    department = PlainCharField(
        max_length=200,
        blank=True,
        help_text="Government department the document comes from or is addressed to, "
        "e.g. 'Home Office' for a question to the Home Office.",
    )
    provenance = models.CharField(
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.PRIMARY,
        help_text="Primary: the government's or Parliament's own record (or a faithful mirror "
        "of it). Secondary: a report about it.",
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date the document was published or the statement made. Leave blank if the "
        "page does not show one; never guess.",
    )

    # Parliamentary questions.
    uin = PlainCharField(
        "UIN", max_length=30, blank=True, help_text="Parliamentary question number, if any."
    )
    asked_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    asked_by = PlainCharField(max_length=200, blank=True, help_text="Asking member, if known.")
    answered_by = PlainCharField(
        max_length=200,
        blank=True,
        help_text="Name of the answering minister only. The role printed beside a portrait on "
        "mirror sites is the role on the capture date, not when they answered.",
    )
    question_text = PlainTextField(blank=True)
    answer_text = PlainTextField(blank=True)

    text = PlainTextField(
        help_text="The stored text of the document. Every citation's quote must appear in it."
    )
    is_excerpt = models.BooleanField(
        default=False,
        help_text="Tick when the stored text is only part of the document (a partial capture "
        "or a quoted passage).",
    )
    sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        editable=False,
        db_index=True,
        help_text="Hash of the stored text, computed on save.",
    )
    captured_at = models.DateTimeField(
        default=timezone.now, help_text="When this text was captured or imported."
    )
    imported_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the importer last stored this text (empty if typed in by hand).",
    )
    imported_from = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="Name of the file the importer read this text from.",
    )
    notes = PlainTextField(blank=True, help_text="Editors' notes on this source's reliability.")
    answer_corrected_on = models.DateField(
        null=True,
        blank=True,
        help_text="When Parliament published a correction of this answer, if it did.",
    )
    is_holding_answer = models.BooleanField(
        default=False,
        help_text="A holding answer (“I will reply as soon as possible”): replaced by the "
        "substantive answer when Parliament publishes it.",
    )

    version = IntegerVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title", "pk"]
        indexes = [
            # A parliamentary question is the same one wherever it was captured (parliament.watch).
            models.Index(fields=["uin", "asked_on"], name="sources_source_uin_asked"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="sources_sourcedocument_url_unique_when_present",
                violation_error_message="Another source already has this URL.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="sources_sourcedocument_text_not_empty",
                violation_error_message="A source must store its text.",
            ),
            models.CheckConstraint(
                condition=Q(asked_on__isnull=True)
                | Q(answered_on__isnull=True)
                | Q(answered_on__gte=F("asked_on")),
                name="sources_sourcedocument_answered_not_before_asked",
                violation_error_message="A question cannot be answered before it was asked.",
            ),
        ]

    def __str__(self):
        """What an editor needs to tell sources apart in a choice list: title, kind, UIN and
        date ("Offences against Children (written answer 62612, 2025-06-16)")."""
        date = self.published_on.isoformat() if self.published_on else "undated"
        kind = self.get_kind_display()
        return f"{self.title} ({kind}{f' {self.uin}' if self.uin else ''}, {date})"

    def save(self, *args, **kwargs):
        # Printable and with line breaks normalised before hashing (sources.fields).
        self.text = self._meta.get_field("text").pre_save(self, add=self._state.adding)
        self.sha256 = self.compute_sha256(self.text)
        if not self._state.adding and self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("sha256", flat=True)
            if stored.first() not in (None, self.sha256) and (
                broken := self.citations_broken_by(self.text)
            ):
                raise ValidationError({"text": describe_broken(broken)})
        if self.published_on is None and self.answered_on is not None:
            self.published_on = self.answered_on
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sources:detail", args=[self.pk])

    @staticmethod
    def compute_sha256(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def label(self) -> str:
        """The title, told apart from others of the same title: "Offences against Children
        (written answer 62612)", "Home Secretary unveils ... (Police Professional)"."""
        if self.uin and self.uin not in self.title:
            return f"{self.title} ({self.get_kind_display().lower()} {self.uin})"
        if self.provenance == Provenance.SECONDARY and self.publisher:
            return f"{self.title} ({self.publisher})"
        return self.title

    def get_provenance_level_display(self) -> str:
        """The provenance level in a few words, as a citation shows it."""
        return PROVENANCE_LEVELS.get(self.provenance, self.provenance)

    @property
    def is_secondary(self) -> bool:
        return self.provenance == Provenance.SECONDARY

    def citations_broken_by(self, text: str) -> list[dict]:
        """The citations of this source whose quote `text` does not contain: what replacing
        the stored text with `text` would break (`id`, `quote`, `claim`, `url` of each)."""
        if self.pk is None:
            return []
        haystack = normalise(text)
        return [
            {
                "id": citation.pk,
                "quote": citation.quote,
                "claim": f"{citation.claim_kind} of {citation.commitment.slug}",
                "url": citation.commitment.get_absolute_url(),
            }
            for citation in self.citations.select_related("commitment").order_by("pk")
            if not contains_quote(haystack, citation.quote, normalised=True)
        ]

    def contains_quote(self, quote: str) -> bool:
        """True when `quote` appears in the stored text (see sources.text for the rule)."""
        return contains_quote(self.text, quote)


class WatchTerm(models.Model):
    """Words watch_parliament searches Parliament's written answers for."""

    term = PlainCharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)
    checked_through = models.DateField(
        null=True,
        blank=True,
        help_text="Answers up to this date were fetched by a run that completed; the next run "
        "asks for answers from this date on.",
    )

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term
