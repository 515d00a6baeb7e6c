"""`manage.py import_sources` as an editor runs it: real files in, records and a report out."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from sources.models import SourceDocument
from tests.commitments.factories import CitationFactory

pytestmark = pytest.mark.django_db

CAPTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
PQ = "01_pq_62612_answered_2025-07-02.txt"
PQ_URL = "https://parallelparliament.co.uk/question/62612/offences-against-children"


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_sources", *[str(a) for a in args], stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def run_json(*args) -> tuple[int, list[dict]]:
    code, out, _ = run(*args, "--json")
    return code, json.loads(out)


@pytest.fixture
def captures(tmp_path):
    """A private copy of the real captures, which tests may edit."""
    folder = tmp_path / "captures"
    shutil.copytree(CAPTURES, folder)
    return folder


def test_imports_every_real_capture_with_the_parsed_values(captures):
    code, report = run_json(captures)
    assert code == 0
    assert [r["status"] for r in report] == ["created"] * 13
    assert SourceDocument.objects.count() == 13

    seed = SourceDocument.objects.get(imported_from="000_830db60761bdff80.txt")
    assert seed.kind == "written_answer"
    assert seed.department == "Home Office"
    assert str(seed.asked_on) == "2025-01-03"
    assert str(seed.answered_on) == "2025-01-08"
    assert str(seed.published_on) == "2025-01-08"
    assert seed.answered_by == "Jess Phillips"
    assert seed.url == ""
    assert seed.uin == ""
    assert not seed.is_excerpt
    assert seed.question_text.startswith("To ask the Secretary of State")
    assert seed.answer_text.startswith("The Government's priority")
    assert "Reticulating Splines" not in seed.text
    assert seed.imported_at is not None

    assert SourceDocument.objects.get(imported_from="002_5b3fedb730473b4c.txt").answered_by == (
        "Diana Johnson"
    )

    no_header = SourceDocument.objects.get(uin="24742")
    assert no_header.asked_on is None
    assert no_header.answered_on is None
    assert no_header.published_on is None
    assert no_header.answered_by == ""
    assert "no title in the capture" in no_header.title
    assert "no heading" in no_header.notes
    entry = next(r for r in report if r["file"].endswith("08_pq_24742_NO_HEADER.txt"))
    assert {"asked_on", "answered_on", "title", "answered_by"} <= set(entry["missing"])
    assert entry["fields"]["title"] is None

    statement = SourceDocument.objects.get(url__contains="2025-06-16")
    assert statement.kind == "oral_statement"
    assert statement.is_excerpt
    assert "Stored as an excerpt" in statement.notes
    assert statement.answered_by == "Yvette Cooper"
    assert statement.provenance == "primary_mirror"


def test_json_report_has_the_documented_shape(captures):
    code, report = run_json(captures / PQ)
    assert code == 0
    (entry,) = report
    assert set(entry) >= {"file", "status", "reason", "missing", "fields"}
    assert entry["file"].endswith(PQ)
    assert entry["status"] == "created"
    assert entry["reason"] is None
    assert entry["missing"] == ["asked_by"]
    source = SourceDocument.objects.get()
    assert entry["fields"] == {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "publisher": "Parallel Parliament",
        "provenance": "primary_mirror",
        "uin": "62612",
        "asked_on": "2025-06-25",
        "answered_on": "2025-07-02",
        "published_on": "2025-07-02",
        "asked_by": None,
        "answered_by": "Jess Phillips",
        "url": PQ_URL,
        "is_excerpt": False,
        "sha256": source.sha256,
        "imported_at": source.imported_at.isoformat(),
    }
    assert entry["source_id"] == source.pk


def test_one_line_per_file_and_a_summary(captures):
    code, out, err = run(captures / PQ, captures / "000_830db60761bdff80.txt")
    lines = out.strip().splitlines()
    assert code == 0
    assert len(lines) == 2
    assert lines[0].startswith("created")
    assert PQ in lines[0]
    assert "missing: asked_by" in lines[0]
    assert "2 created" in err


def test_importing_again_changes_nothing(captures):
    run(captures)
    before = {s.pk: (s.sha256, s.version, s.imported_at) for s in SourceDocument.objects.all()}
    history = SourceDocument.history.count()
    code, report = run_json(captures)
    assert code == 0
    assert {r["status"] for r in report} == {"unchanged"}
    after = {s.pk: (s.sha256, s.version, s.imported_at) for s in SourceDocument.objects.all()}
    assert after == before
    assert SourceDocument.history.count() == history


def test_same_text_without_its_url_line_is_matched_by_hash(captures, tmp_path):
    run(captures / PQ)
    bare = tmp_path / "bare.txt"
    bare.write_text((captures / PQ).read_text().split("\n", 1)[1])
    code, report = run_json(bare)
    # No URL in the file: the text is a different document only if its hash differs.
    assert report[0]["status"] == "unchanged"
    assert code == 0


def test_refused_files_save_nothing_and_the_others_still_import(tmp_path, captures):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a_empty.txt").write_bytes(b"")
    (bad / "b_latin1.txt").write_bytes("Title\n\u00a35m for the fund.".encode("latin-1"))
    (bad / "c_page.txt").write_text("<!doctype html><html><body>Question</body></html>")
    (bad / "d_date.txt").write_text(
        (captures / PQ).read_text().replace("25th June 2025", "31st June 2025")
    )
    (bad / "e_binary.txt").write_bytes(bytes(range(256)))
    (bad / "f_big.txt").write_bytes(b"A title\n" + b"Some words. " * 300_000)
    shutil.copy(captures / PQ, bad / "g_good.txt")
    (bad / "ignored.md").write_text("not a capture")

    code, report = run_json(bad)
    assert code == 1
    statuses = {Path(r["file"]).name: (r["status"], r["reason"]) for r in report}
    assert statuses["g_good.txt"] == ("created", None)
    reasons = {name: reason for name, (status, reason) in statuses.items() if status == "refused"}
    assert set(reasons) == {
        "a_empty.txt",
        "b_latin1.txt",
        "c_page.txt",
        "d_date.txt",
        "e_binary.txt",
        "f_big.txt",
    }
    assert "empty" in reasons["a_empty.txt"]
    assert "not UTF-8" in reasons["b_latin1.txt"]
    assert "HTML page" in reasons["c_page.txt"]
    assert '"31st June 2025" is not a real date' in reasons["d_date.txt"]
    assert "binary" in reasons["e_binary.txt"]
    assert "too large" in reasons["f_big.txt"]
    assert SourceDocument.objects.count() == 1
    assert SourceDocument.history.count() == 1


def test_missing_path_and_non_txt_file_are_refused(tmp_path):
    other = tmp_path / "capture.pdf"
    other.write_bytes(b"%PDF-1.4")
    code, report = run_json(tmp_path / "nowhere.txt", other)
    assert code == 1
    assert [r["reason"] for r in report] == ["no such file or directory", "not a .txt file"]


def test_a_different_text_for_a_stored_url_is_refused_without_update(captures, tmp_path):
    run(captures / PQ)
    source = SourceDocument.objects.get()
    changed = tmp_path / "changed.txt"
    changed.write_text((captures / PQ).read_text().replace("800 cases", "900 cases"))
    code, report = run_json(changed)
    assert code == 1
    assert report[0]["status"] == "refused"
    assert f"source #{source.pk} already stores a different text" in report[0]["reason"]
    assert "--update" in report[0]["reason"]
    source.refresh_from_db()
    assert "800 cases" in source.text


def test_update_replaces_the_text_keeps_history_and_rechecks_citations(captures, tmp_path):
    run(captures / PQ)
    source = SourceDocument.objects.get()
    old_text, old_hash = source.text, source.sha256
    source.asked_by = "Named by an editor"  # not in the capture: an update must keep it
    source.save()
    holds = CitationFactory(source=source, quote="more than 800 cases have been re-opened")
    breaks = CitationFactory(source=source, quote="Since January, more than 800 cases")
    breaks.quote = "thanks to this work"
    breaks.save()
    changed = tmp_path / "changed.txt"
    changed.write_text(
        (captures / PQ)
        .read_text()
        .replace("thanks to this work", "with the Taskforce's help")
        .replace("Since January, more", "Since January this year, more")
    )

    # A text that drops a cited quote is refused, listing the citation; nothing changes.
    code, report = run_json(changed, "--update")
    assert code == 1
    (entry,) = report
    assert entry["status"] == "refused"
    assert entry["source_id"] == source.pk
    assert [c["id"] for c in entry["failing_citations"]] == [breaks.pk]
    assert entry["failing_citations"][0]["quote"] == "thanks to this work"
    source.refresh_from_db()
    assert source.sha256 == old_hash

    # A text that keeps every cited quote replaces the old one, which stays in the history.
    kept = tmp_path / "kept.txt"
    kept.write_text(
        (captures / PQ).read_text().replace("Since January, more", "Since January this year, more")
    )
    code, report = run_json(kept, "--update")
    assert code == 0
    (entry,) = report
    assert entry["status"] == "updated"
    assert old_hash[:12] in entry["reason"]
    assert entry["failing_citations"] == []
    source.refresh_from_db()
    assert "Since January this year" in source.text
    assert source.sha256 != old_hash
    assert source.asked_by == "Named by an editor"
    assert source.history.filter(sha256=old_hash, text=old_text).exists()
    assert holds.quote_error() is None
    assert breaks.quote_error() is None

    code, out, _ = run(kept, "--update")
    assert code == 0
    assert out.startswith("unchanged")


def test_human_output_lists_the_citations_a_new_text_would_break(captures, tmp_path):
    run(captures / PQ)
    citation = CitationFactory(source=SourceDocument.objects.get(), quote="thanks to this work")
    changed = tmp_path / "changed.txt"
    changed.write_text((captures / PQ).read_text().replace("thanks to this work", "since."))
    code, out, _ = run(changed, "--update")
    assert code == 1
    assert out.startswith("refused")
    assert f"#{citation.pk} (pledge of {citation.commitment.slug})" in out
    assert "“thanks to this work”" in out


def test_dry_run_saves_nothing(captures):
    code, report = run_json(captures, "--dry-run")
    assert code == 0
    assert {r["status"] for r in report} == {"created"}
    assert SourceDocument.objects.count() == 0
    assert SourceDocument.history.count() == 0


def test_empty_directory_is_an_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"no \.txt files"):
        call_command("import_sources", str(tmp_path), stdout=StringIO(), stderr=StringIO())


def test_update_that_would_put_the_answer_before_a_kept_question_date_is_refused(
    captures, tmp_path
):
    no_header = captures / "08_pq_24742_NO_HEADER.txt"
    run(no_header)
    source = SourceDocument.objects.get()
    source.asked_on = "2025-02-10"  # an editor filled in the date the capture lacks
    source.save()
    with_header = tmp_path / "with_header.txt"
    lines = no_header.read_text().split("\n")
    lines[1:1] = ["Offences against Children", "", "(asked on 3rd February 2025) - View Source"]
    with_header.write_text("\n".join(lines))
    # The new text gives its own asked date, so the editor's is replaced: no conflict.
    code, report = run_json(with_header, "--update")
    assert code == 0
    assert report[0]["status"] == "updated"
    source.refresh_from_db()
    assert str(source.asked_on) == "2025-02-03"
    assert source.title == "Offences against Children"
