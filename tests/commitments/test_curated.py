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
