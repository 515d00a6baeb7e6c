"""The curated dataset: loads whole or not at all, twice without change, every quote verified."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from commitments.models import Citation, Commitment, Status
from sources.models import SourceDocument

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def loaded():
    call_command("load_curated")


def test_loads_and_every_citation_verifies(loaded, capsys):
    call_command("verify_citations")
    assert "citations verified" in capsys.readouterr().out
    assert Citation.objects.count() > 20


def test_loading_twice_changes_nothing(loaded, capsys):
    def snapshot():
        return [
            list(model.objects.order_by("pk").values())
            for model in (SourceDocument, Commitment, Citation)
        ] + [Commitment.history.count(), Citation.history.count()]

    before = snapshot()
    call_command("load_curated")
    assert "(0 objects changed)" in capsys.readouterr().out
    assert snapshot() == before


@pytest.mark.parametrize(
    "slug", ["mandatory-reporting-duty", "casey-national-audit", "local-inquiries-fund"]
)
def test_the_named_pledges_are_published_with_a_status(loaded, slug):
    commitment = Commitment.objects.published().get(slug=slug)
    assert commitment.state_on(datetime.date(2026, 11, 21)).status in Status.values
    assert commitment.pledge_citations.exists()


def test_casey_audit_facts(loaded):
    audit = Commitment.objects.get(slug="casey-national-audit")
    assert audit.state_on(datetime.date(2025, 6, 16)).status == Status.DELIVERED
    assert audit.state_on(datetime.date(2025, 6, 15)).status != Status.DELIVERED
    assert audit.parent.slug == "ten-million-action-plan"


def test_mandatory_reporting_timeline_includes_royal_assent(loaded):
    duty = Commitment.objects.get(slug="mandatory-reporting-duty")
    assert duty.announcements.filter(date=datetime.date(2026, 4, 29)).exists()
    assert duty.state_on(datetime.date(2025, 1, 5)).status is None
    assert duty.state_on(datetime.date(2025, 1, 6)).status == Status.ANNOUNCED


def test_a_bad_quote_saves_nothing(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    dataset = tmp_path / "fixtures" / "curated.toml"
    text = dataset.read_text(encoding="utf-8")
    good = "The audit will begin soon and last three months."
    assert good in text
    dataset.write_text(text.replace(good, "The audit will begin soon and last six months."))
    with pytest.raises(CommandError, match=r"nothing saved.*does not appear"):
        call_command("load_curated", str(dataset))
    assert not SourceDocument.objects.exists()
    assert not Commitment.objects.exists()


def test_an_unknown_field_is_refused(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    dataset = tmp_path / "fixtures" / "curated.toml"
    text = dataset.read_text(encoding="utf-8")
    dataset.write_text(text.replace('lead_department = "home_office"', 'lead_dept = "x"', 1))
    with pytest.raises(CommandError, match="unknown field"):
        call_command("load_curated", str(dataset))
    assert not Commitment.objects.exists()


def test_a_reload_after_a_correction_leaves_no_stale_fact_and_keeps_an_editors_work(
    tmp_path, django_user_model
):
    """An earlier edition said the IICSA timetable was delivered (an event of another kind).
    Loading the corrected file over it removes the rows the file no longer holds, unless
    somebody edited them, and ends where a fresh load does."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    old = tmp_path / "fixtures" / "curated.toml"
    text = old.read_text(encoding="utf-8")
    corrected = 'date = 2025-04-09\nkind = "progress"\nsummary = "The Government publishes'
    assert corrected in text
    was = corrected.replace('"progress"', '"delivered"')
    verdict = 'new_status = "partly_delivered"\nnote = "Corrected after'
    old.write_text(
        text.replace(corrected, was).replace(verdict, verdict.replace("partly_", "")),
        encoding="utf-8",
    )
    call_command("load_curated", str(old), verbosity=0)
    iicsa = Commitment.objects.get(slug="iicsa-timetable-by-easter")
    on = datetime.date(2026, 11, 21)
    assert iicsa.state_on(on).status == Status.DELIVERED
    editor = django_user_model.objects.create_user("ed", password="a long passphrase 42")
    extra = Commitment.objects.get(slug="casey-national-audit").announcements.create(
        date=datetime.date(2025, 7, 1), kind="progress", summary="Added by an editor."
    )
    extra.history.update(history_user=editor)

    call_command("load_curated", verbosity=0)
    iicsa = Commitment.objects.get(slug="iicsa-timetable-by-easter")
    assert iicsa.state_on(on).status == Status.PARTLY_DELIVERED
    assert not iicsa.announcements.filter(kind="delivered").exists()
    assert (
        Commitment.objects.get(slug="casey-national-audit")
        .announcements.filter(pk=extra.pk)
        .exists()
    )  # an editor's row is never removed
    call_command("verify_citations", verbosity=0)


# What differs from one load to the next: when it was done, the edit-conflict versions, and
# (in the history tables, where `id` is a copy of the row's id, not the key) the ids, which
# PostgreSQL's sequences do not give back when a load is rolled back.
WHEN = {"created_at", "updated_at", "history_date", "captured_at", "imported_at", "version", "id"}


def _content(rows_by_model: dict) -> dict:
    """Each table's rows without ids, links or timestamps (which differ from load to load)."""
    content = {}
    for model, rows in rows_by_model.items():
        kept = [f.attname for f in model._meta.concrete_fields
                if not f.is_relation and not f.primary_key and f.attname not in WHEN]  # fmt: skip
        content[model] = sorted(tuple(str(row[name]) for name in kept) for row in rows)
    return content


def test_the_curated_fixture_puts_back_what_the_loader_writes(db, curated_rows):
    """tests/conftest.py's `curated` inserts the rows the loader wrote once per session; they
    must be the rows the loader writes (so every test that uses it sees the real dataset)."""
    from tests.conftest import _rows

    call_command("load_curated", verbosity=0)
    loaded = {model: rows for model, rows in _rows().items() if model in curated_rows}
    assert _content(loaded) == _content(curated_rows)
    assert sum(len(rows) for rows in curated_rows.values()) > 1000
