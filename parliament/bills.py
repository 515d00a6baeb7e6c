"""Bring the stages of the bills that carry commitments in from Parliament's Bills API.

For each bill linked to a commitment (commitments.Bill), the bill and its stages are fetched and
stored twice over:
- as a source (primary provenance, its address the bill's stages page on bills.parliament.uk):
  a text with one line a stage ("2nd reading, House of Commons: 10 March 2025"), so every stage
  the public sees is a line of a stored primary source, and a citation can quote it;
- as the bill's BillStage rows, from which "where the bill stands" on a date is derived.

- A bill whose record is unchanged changes nothing (its `checked_at` moves on).
- A changed record (a new stage, a new sitting) replaces the stored text, the old one kept in
  the source's history, unless a citation of the source would lose its quote: then nothing is
  written and the citations are listed (as for answers).
- A new or changed record goes into the inbox with the stages it adds.
Each bill is written in its own transaction, so one that fails leaves the others stored.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from commitments.models import Bill, BillStage, stage_line
from sources.importing import CREATED, REFUSED, UNCHANGED, UPDATED
from sources.models import Provenance, SourceDocument, SourceKind
from sources.text import normalise

from . import client as api
from .watch import FAILED, Outcome, answer_arrived


def bill_text(found: api.Bill) -> str:
    """The text stored for a bill: its title, what the record is, then one line a stage."""
    record = f"Bill {found.id} of the UK Parliament. Its stages, as Parliament's Bills API lists"
    record += (
        f" them (last updated {found.updated_at:%-d %B %Y}):" if found.updated_at else " them:"
    )
    lines = [line(stage) for stage in found.stages] or ["No stage listed."]
    outcome = []
    if found.is_act:
        outcome.append("The bill is an Act of Parliament.")
    if found.withdrawn_on:
        outcome.append(f"The bill was withdrawn on {found.withdrawn_on:%-d %B %Y}.")
    if found.is_defeated:
        outcome.append("The bill was defeated.")
    return "\n\n".join([found.title, record, "\n".join(lines), *outcome])


def line(stage: api.Stage) -> str:
    return stage_line(stage.description, stage.house, stage.first_sitting, stage.last_sitting)


def store_bill(row: Bill, found: api.Bill, api_url: str) -> Outcome:
    """Store one bill's record and stages (see the module's rules), in its own transaction."""
    with transaction.atomic():
        row = Bill.objects.select_for_update().get(pk=row.pk)
        now, text = timezone.now(), bill_text(found)
        source = row.source or SourceDocument.objects.filter(url=found.stages_url).first()
        if source is not None and normalise(source.text) == normalise(text):
            Bill.objects.filter(pk=row.pk).update(checked_at=now, source=source)
            return Outcome(UNCHANGED, found.url, "", source)
        if source is not None and (broken := source.citations_broken_by(text)):
            reason = f"the new record would break {len(broken)} citation(s) of source #{source.pk}"
            return Outcome(REFUSED, found.url, reason, source, broken)
        before = set(row.stages.values_list("description", "house", "sat_on", "last_sat_on"))
        added = [
            line(stage)
            for stage in found.stages
            if (stage.description, stage.house, stage.first_sitting, stage.last_sitting)
            not in before
        ]
        created = source is None
        if created:
            source = SourceDocument(url=found.stages_url)
        source.kind, source.title = SourceKind.BILL, f"{found.title}: stages"
        source.publisher, source.provenance = "UK Parliament", Provenance.PRIMARY
        source.published_on = found.updated_at.date() if found.updated_at else None
        source.text, source.captured_at, source.imported_from = text, now, api_url[:300]
        source._change_reason = "Parliament's Bills API listed a changed record"
        source.full_clean(validate_constraints=False)  # the database checks them
        source.save()
        row.stages.all().delete()
        BillStage.objects.bulk_create(
            BillStage(
                bill=row,
                parliament_id=stage.id,
                description=stage.description,
                abbreviation=stage.abbreviation,
                house=stage.house,
                sort_order=stage.sort_order,
                sat_on=stage.first_sitting,
                last_sat_on=stage.last_sitting,
            )
            for stage in found.stages
        )
        row.title, row.source, row.is_act = found.title, source, found.is_act
        row.is_defeated, row.withdrawn_on = found.is_defeated, found.withdrawn_on
        row.parliament_updated_at, row.checked_at = found.updated_at, now
        row._change_reason = "Parliament's Bills API"
        row.save()  # after the stages: its save tells the cache the public data changed
        why = "a bill's stages, first fetched" if created else "a bill's changed stages"
        if added and not created:
            why = "the bill moved on: " + "; ".join(added)
        answer_arrived.send(SourceDocument, source=source, why=why[:300], created=created)
        return Outcome(CREATED if created else UPDATED, found.url, why, source)


def watch_bills(client: api.Client, *, dry_run: bool = False, progress=None) -> list[Outcome]:
    """Fetch and store every bill linked to a commitment."""
    outcomes = []
    for row in Bill.objects.filter(commitments__isnull=False).distinct().order_by("pk"):
        api_url = f"{client.bills_url}{api.BILLS}/{row.parliament_id}"
        try:
            found = client.bill(row.parliament_id)
            with transaction.atomic():
                outcome = store_bill(row, found, api_url)
                if dry_run:
                    transaction.set_rollback(True)
        except api.ParliamentError as error:
            outcome = Outcome(FAILED, error.url, error.problem)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes
