"""`import_sources` on what a folder can hold besides captures: FIFOs, devices, sockets,
directories named like files, and file names with control characters or escape codes."""

import json
import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from sources.importing import import_file
from sources.models import SourceDocument
from tests.sources.test_import_command import CAPTURES, PQ, run

pytestmark = pytest.mark.django_db

PARTIAL = "13_statement_2025-06-16_Cooper_Casey_report_PARTIAL.txt"
NOT_REGULAR = "not a regular file: it is {}; only plain .txt files are imported"
EVIL = "\x1b[31mevil\x1b[0m.txt"
EVIL_SHOWN = "\\x1b[31mevil\\x1b[0m.txt"


@contextmanager
def fifo_released_after(fifo: Path, seconds: float):
    """Guard for a FIFO that an import might open and wait on: after `seconds`, open it for
    writing and close it again, so that a reader stuck in open() gets end of file and the test
    fails on its assertions instead of hanging."""
    done = threading.Event()

    def release():
        if done.wait(seconds):
            return
        while not done.is_set():
            with suppress(OSError):  # ENXIO: no reader waiting (yet)
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            done.wait(0.05)

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def test_a_fifo_named_txt_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    with fifo_released_after(fifo, 5):
        code, out, _ = run(fifo, "--json")
    assert time.monotonic() - started < 5, "the import waited on the FIFO"
    assert code == 1
    (entry,) = json.loads(out)
    assert entry["status"] == "refused"
    assert entry["reason"] == NOT_REGULAR.format("a FIFO (named pipe)")


def test_a_folder_import_skips_a_fifo_and_imports_the_rest(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "a_pipe.txt")
    shutil.copy(CAPTURES / PQ, folder / "b_capture.txt")
    started = time.monotonic()
    with fifo_released_after(folder / "a_pipe.txt", 5):
        code, out, _ = run(folder, "--json")
    assert time.monotonic() - started < 5, "the import waited on the FIFO"
    assert code == 0
    assert [(Path(r["file"]).name, r["status"]) for r in json.loads(out)] == [
        ("b_capture.txt", "created")
    ]


def test_a_directory_a_device_and_a_socket_are_refused_for_what_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a socket's path must be short
    (tmp_path / "d.txt").mkdir()
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind("s.txt")
        outcomes = {name: import_file(Path(name)) for name in ("d.txt", "zero.txt", "s.txt")}
    finally:
        listener.close()
    assert {name: (o.status, o.reason) for name, o in outcomes.items()} == {
        "d.txt": ("refused", NOT_REGULAR.format("a directory")),
        "zero.txt": ("refused", NOT_REGULAR.format("a character device")),
        "s.txt": ("refused", NOT_REGULAR.format("a socket")),
    }
    assert not SourceDocument.objects.exists()


def test_a_symbolic_link_to_a_capture_is_imported(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(CAPTURES / PQ)
    code, out, _ = run(link)
    assert code == 0
    assert out.startswith("created")


def test_escape_codes_in_a_file_name_are_printed_and_stored_escaped(tmp_path):
    shutil.copy(CAPTURES / PQ, tmp_path / EVIL)
    code, out, _ = run(tmp_path / EVIL)
    assert code == 0
    assert "\x1b" not in out
    assert f"{tmp_path / EVIL_SHOWN} -> source #" in out
    source = SourceDocument.objects.get()
    assert source.imported_from == EVIL_SHOWN

    code, out, _ = run(tmp_path / EVIL, "--json")
    assert "\x1b" not in out
    (entry,) = json.loads(out)
    assert entry["file"] == str(tmp_path / EVIL_SHOWN)
    assert entry["status"] == "unchanged"


def test_a_line_break_in_a_file_name_keeps_one_line_per_file(tmp_path):
    shutil.copy(CAPTURES / PQ, tmp_path / "two\nlines.txt")
    (tmp_path / "empty\r\x1b[2J.txt").write_bytes(b"")
    code, out, _ = run(tmp_path)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"refused    {tmp_path}/empty\\r\\x1b[2J.txt: empty file")
    assert lines[1].startswith(f"created    {tmp_path}/two\\nlines.txt -> source #")
    assert SourceDocument.objects.get().imported_from == "two\\nlines.txt"


def test_a_partial_file_name_is_escaped_in_the_stored_notes(tmp_path):
    name = "\x1b]0;title\x07" + PARTIAL
    shutil.copy(CAPTURES / PARTIAL, tmp_path / name)
    code, _, _ = run(tmp_path / name)
    assert code == 0
    source = SourceDocument.objects.get()
    assert source.imported_from == "\\x1b]0;title\\x07" + PARTIAL
    assert "\x1b" not in source.notes
    assert "\x07" not in source.notes
    assert f"the file name (\\x1b]0;title\\x07{PARTIAL}) says it is partial" in source.notes


def test_a_missing_path_with_escape_codes_is_reported_escaped(tmp_path):
    code, out, _ = run(tmp_path / EVIL)
    assert code == 1
    assert out == f"refused    {tmp_path / EVIL_SHOWN}: no such file or directory\n"


def test_invisible_characters_from_the_text_are_escaped_in_both_outputs(tmp_path):
    # A stored text may hold format characters such as U+202E, which makes a terminal show
    # what follows backwards; the title is printed, so it is escaped there.
    title = "Offences \u202eagainst Children\u2066"
    capture = tmp_path / "title.txt"
    capture.write_text((CAPTURES / PQ).read_text().replace("Offences against Children", title, 1))
    code, out, _ = run(capture, "--dry-run")
    assert code == 0, out
    assert '"Offences \\u202eagainst Children\\u2066"' in out
    code, out, _ = run(capture, "--json", "--dry-run")
    assert all(char.isprintable() for char in out.replace("\n", ""))
    assert "Offences \\u202eagainst Children\\u2066" in out
    assert json.loads(out)[0]["fields"]["title"] == title
