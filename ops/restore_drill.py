"""Restore drill: prove the backups restore. Back up the database at DATABASE_URL, restore the
file into a new, empty database, and check the copy: the same rows in every table,
`verify_citations` clean, and the site served from it by gunicorn (production settings)
answering its pages. The new database is removed at the end, pass or fail.

    .venv/bin/python -m ops.restore_drill        (make restore-drill; CI runs it on PostgreSQL)

PostgreSQL: the copy is `<name>_restore_drill` on the same server. SQLite: a file in a
temporary folder. Exits non-zero, saying why, on the first check that fails.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

from ops.serving import ROOT, Gunicorn, get

MANAGE = [sys.executable, str(ROOT / "manage.py")]
COUNTS = "import json; from ops.backups import table_counts; print(json.dumps(table_counts()))"


def manage(database_url: str, *args: str, env: dict | None = None) -> str:
    env = {**os.environ, **(env or {}), "DATABASE_URL": database_url}
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [*MANAGE, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    if result.returncode:
        sys.exit(f"FAILED: manage.py {' '.join(args)}\n{result.stdout}{result.stderr}")
    return result.stdout


def counts(database_url: str) -> dict[str, int]:
    return json.loads(manage(database_url, "shell", "--no-imports", "-c", COUNTS))


class Copy:
    """A new, empty database beside the one at `source`, removed on leaving."""

    def __init__(self, source: str, folder: Path):
        self.source = urlsplit(source)
        self.postgres = self.source.scheme.startswith("postgres")
        if self.postgres:
            self.name = self.source.path.lstrip("/") + "_restore_drill"
            self.url = urlunsplit(self.source._replace(path="/" + self.name))
        else:
            self.url = f"sqlite:///{folder / 'restored.sqlite3'}"

    def _admin(self, statement):
        server = urlunsplit(self.source._replace(path="/postgres"))
        connection = psycopg2.connect(server)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def __enter__(self) -> "Copy":
        if self.postgres:
            name = sql.Identifier(self.name)
            self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            self._admin(sql.SQL("CREATE DATABASE {}").format(name))
        return self

    def __exit__(self, *exc) -> None:
        if self.postgres:
            name = sql.Identifier(self.name)
            self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def serve_and_check(database_url: str, folder: Path) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(folder / "static"),
    }
    manage(
        database_url,
        "collectstatic",
        "--no-input",
        "-v",
        "0",
        env=env,
    )
    checked = []
    with Gunicorn(env, 1, folder / "gunicorn.log", "/healthz/") as gunicorn:
        status, body = get(gunicorn.port, "/commitments/")
        if status != 200:
            sys.exit(f"FAILED: /commitments/ answered {status}")
        slugs = re.findall(rb'href="/commitments/([a-z0-9-]+)/"', body)
        if not slugs:
            sys.exit("FAILED: the restored list shows no commitment")
        for path in (
            "/healthz/",
            "/",
            "/sources/",
            "/funding/",
            f"/commitments/{slugs[0].decode()}/",
        ):
            status, _ = get(gunicorn.port, path)
            if status != 200:
                sys.exit(f"FAILED: {path} answered {status} from the restored database")
            checked.append(path)
    return ["/commitments/", *checked]


def main() -> None:
    source = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'db.sqlite3'}"
    before = counts(source)
    if not before.get("commitments_commitment"):
        sys.exit(f"FAILED: nothing to drill: {source} holds no commitments (make run loads them)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        backup_file = folder / "drill.backup"
        print(manage(source, "backup", "--output", str(backup_file)).strip())
        with Copy(source, folder) as copy:
            print(manage(copy.url, "restore", str(backup_file)).strip())
            after = counts(copy.url)
            if after != before:
                differ = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()
                          if before.get(t) != after.get(t)}  # fmt: skip
                sys.exit(f"FAILED: row counts differ (before, after): {differ}")
            print(f"Row counts equal: {sum(after.values()):,} rows in {len(after)} tables")
            print(manage(copy.url, "verify_citations").strip())
            pages = serve_and_check(copy.url, folder)
            print(f"Served from the restored copy: {', '.join(pages)} (200)")
    print("Restore drill passed")


if __name__ == "__main__":
    main()
