"""How many pledges and status-setting announcements of the public commitments cite a primary
source: strictly (the government's or Parliament's own publication) and counting faithful
mirrors of it. Lists the exceptions. Run: .venv/bin/python tools/provenance_report.py"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from commitments.models import Announcement, Commitment  # noqa: E402
from sources.models import Provenance  # noqa: E402


def levels(citations) -> set[str]:
    return {citation.source.provenance for citation in citations}


def main() -> None:
    commitments = Commitment.objects.published().prefetch_related("citations__source")
    pledges = [(c.slug, levels(c.pledge_citations.select_related("source"))) for c in commitments]
    events = [
        (f"{e.commitment.slug} {e.date} {e.kind}", levels(e.citations.select_related("source")))
        for e in Announcement.objects.evidenced()
        .exclude(new_status="")
        .filter(commitment__is_public=True)
        .select_related("commitment")
    ]
    for name, rows in (("pledges", pledges), ("status-setting announcements", events)):
        strict = [label for label, found in rows if Provenance.PRIMARY in found]
        mirrored = [
            label
            for label, found in rows
            if found & {Provenance.PRIMARY, Provenance.PRIMARY_MIRROR}
        ]
        print(f"{name}: {len(strict)} of {len(rows)} cite a primary source "
              f"({100 * len(strict) / len(rows):.0f}%); {len(mirrored)} of {len(rows)} "
              f"({100 * len(mirrored) / len(rows):.0f}%) counting faithful mirrors")  # fmt: skip
        for label, found in rows:
            if Provenance.PRIMARY not in found:
                print(f"  not strictly primary: {label} ({', '.join(sorted(found))})")


if __name__ == "__main__":
    main()
