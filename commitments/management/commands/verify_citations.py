from django.core.management.base import BaseCommand, CommandError

from commitments.models import Citation


class Command(BaseCommand):
    help = (
        "Re-check that every citation's quote appears verbatim (after normalising whitespace, "
        "typographic quotes and dashes) in its source's stored text. Lists every failure and "
        "exits non-zero if there is one."
    )

    def handle(self, *args, **options):
        checked = Citation.objects.count()
        failures = Citation.objects.failing()
        for citation in failures:
            self.stderr.write(
                f"FAIL citation #{citation.pk} ({citation.claim_kind} of "
                f"“{citation.commitment}”): quote not found in source #{citation.source_id} "
                f"“{citation.source.title}”: “{citation.quote[:120]}”"
            )
        if failures:
            raise CommandError(f"{len(failures)} of {checked} citations failed verification.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} citations verified."))
