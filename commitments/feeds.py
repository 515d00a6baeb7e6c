"""Atom feeds: every update, and one per commitment. Each entry is a cited announcement with
its status change and the links to its sources."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from sources.text import xml_safe

from .models import Announcement, Commitment, Correction

ENTRIES = 50


def _events():
    """The updates shown today: exactly the events of commitments that have a page."""
    return (
        Announcement.objects.public(timezone.localdate())
        .select_related("commitment")
        .prefetch_related("citations__source")
        .order_by("-date", "-pk")
    )


class _PrintableXMLGenerator(SimplerXMLGenerator):
    def characters(self, content):
        super().characters(xml_safe(content))


class PrintableAtom1Feed(Atom1Feed):
    """Atom that no stored text can stop: the fields refuse control characters on save, and
    anything that got in before that rule is written as U+FFFD instead of failing the feed."""

    def write(self, outfile, encoding):
        handler = _PrintableXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class UpdatesFeed(Feed):
    feed_type = PrintableAtom1Feed
    title = "Grooming-gangs commitments tracker: all updates"
    subtitle = "Each dated, sourced event on any commitment's timeline."

    def link(self):
        return reverse("commitments:home")

    def items(self):
        return _events()[:ENTRIES]

    def item_title(self, item):
        return f"{item.commitment.title}: {item.get_kind_display()} ({item.date:%-d %B %Y})"

    def item_description(self, item):
        parts = [item.summary]
        if item.new_status:
            parts.append(f"Status: {item.get_new_status_display()}.")
        if item.new_deadline:
            parts.append(f"Deadline: {item.new_deadline:%-d %B %Y}.")
        if item.note:
            parts.append(f"Note: {item.note}")
        for citation in item.citations.all():
            parts.append(f"Source: {citation.source.label} {citation.source.url}".strip())
        return "\n".join(parts)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"tracker:announcement:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return self._midnight(item.date)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.kind, *([item.new_status] if item.new_status else [])]

    @staticmethod
    def _midnight(day):
        import datetime

        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class CommitmentFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Commitment.objects.public(timezone.localdate()), slug=slug)

    def title(self, obj):
        return f"{obj.title}: updates"

    def subtitle(self, obj):
        return obj.pledge_text

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return _events().filter(commitment=obj)[:ENTRIES]


class CorrectionsFeed(Feed):
    """Every correction: what was wrong, what it reads now, and why."""

    feed_type = PrintableAtom1Feed
    title = "Grooming-gangs commitments tracker: corrections"
    subtitle = "Each time something we published was wrong, and what we changed."

    def link(self):
        return reverse("commitments:corrections")

    def items(self):
        rows = Correction.objects.public(timezone.localdate()).select_related("commitment")
        return rows[:ENTRIES]

    def item_title(self, item):
        return f"Correction to {item.commitment.title}: {item.record}, {item.field.lower()}"

    def item_description(self, item):
        return f"Was: {item.before}\nNow: {item.after}\nWhy: {item.reason}"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"tracker:correction:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return UpdatesFeed._midnight(item.corrected_on)
