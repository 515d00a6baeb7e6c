"""make backup / make restore: a backup brings every row back, a restore over data needs
--replace, and a file that is not a backup is refused with the database left as it was. (The
full drill, into a new database and served by gunicorn, runs in CI: ops/restore_drill.py.)"""

import datetime

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Commitment, Status
from ops.backups import table_counts
from tests.commitments.factories import event, published_commitment

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only


@pytest.fixture
def recorded():
    commitment = published_commitment(title="Casey audit", slug="casey")
    event(commitment, datetime.date(2025, 1, 16), new_status=Status.ANNOUNCED)
    return commitment


def test_a_backup_restores_every_row(recorded, tmp_path):
    before = table_counts()
    backup = tmp_path / "tracker.backup"
    call_command("backup", output=backup)
    assert backup.stat().st_size > 0
    assert not list(tmp_path.glob("*.partial"))
    Commitment.objects.filter(pk=recorded.pk).update(title="Defaced")
    published_commitment(title="Added after the backup")
    with pytest.raises(CommandError, match="pass --replace"):
        call_command("restore", backup)
    call_command("restore", backup, replace=True)
    assert table_counts() == before
    assert Commitment.objects.get(pk=recorded.pk).title == "Casey audit"
    assert not Commitment.objects.filter(title="Added after the backup").exists()


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(recorded, tmp_path):
    before = table_counts()
    bogus = tmp_path / "not-a-backup.backup"
    bogus.write_bytes(b"this is not a database dump\n" * 100)
    with pytest.raises(CommandError):
        call_command("restore", bogus, replace=True)
    assert table_counts() == before
    assert Commitment.objects.get(pk=recorded.pk).title == "Casey audit"
    with pytest.raises(CommandError, match="no backup at"):
        call_command("restore", tmp_path / "missing.backup", replace=True)
