from django.core.management.base import BaseCommand, CommandError

from commitments.models import BillStage, Citation
from sources.text import contains_quote


class Command(BaseCommand):
    help = (
        "Re-check that every citation's quote appears verbatim (after normalising whitespace, "
        "typographic quotes and dashes) in its source's stored text, and that every bill stage "
        "shown is a line of its bill's stored record. Lists every failure and exits non-zero if "
        "there is one."
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
        stages = BillStage.objects.filter(bill__source__isnull=False).select_related(
            "bill__source"
        )
        unsourced = [
            stage for stage in stages if not contains_quote(stage.bill.source.text, stage.line)
        ]
        for stage in unsourced:
            self.stderr.write(
                f"FAIL stage #{stage.pk} of “{stage.bill}”: “{stage.line}” is not in source "
                f"#{stage.bill.source_id}"
            )
        if failures or unsourced:
            problem = f"{len(failures)} of {checked} citations failed verification."
            if unsourced:
                problem += f" {len(unsourced)} of {len(stages)} bill stages failed verification."
            raise CommandError(problem)
        self.stdout.write(
            self.style.SUCCESS(
                f"All {checked} citations verified. All {len(stages)} bill stages verified."
            )
        )
