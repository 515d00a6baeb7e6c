from django.core.management.base import BaseCommand, CommandError

from commitments.models import Citation
from sources.text import contains_quote, normalise


class Command(BaseCommand):
    help = (
        "Re-check that every citation's quote appears verbatim (after normalising whitespace, "
        "typographic quotes and dashes) in its source's stored text. Lists every failure and "
        "exits non-zero if there is one."
    )

    def handle(self, *args, **options):
        failures = []
        checked = 0
        normalised_sources = {}
        citations = Citation.objects.select_related("source", "commitment").order_by(
            "source_id", "pk"
        )
        for citation in citations.iterator(chunk_size=500):
            checked += 1
            source = citation.source
            if source.pk not in normalised_sources:
                normalised_sources.clear()  # citations come grouped by source: keep one
                normalised_sources[source.pk] = normalise(source.text)
            if not contains_quote(normalised_sources[source.pk], citation.quote, normalised=True):
                failures.append(citation)
                self.stderr.write(
                    f"FAIL citation #{citation.pk} ({citation.claim_kind} of "
                    f"“{citation.commitment}”): quote not found in source #{source.pk} "
                    f"“{source.title}”: “{citation.quote[:120]}”"
                )
        if failures:
            raise CommandError(f"{len(failures)} of {checked} citations failed verification.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} citations verified."))
