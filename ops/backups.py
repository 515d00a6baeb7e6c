"""Backups of the whole database, and their restore: pg_dump's custom format on PostgreSQL,
SQLite's online backup API otherwise (a consistent copy while the site keeps serving)."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _database(alias="default") -> dict:
    return connections[alias].settings_dict


def _pg_env(db: dict) -> tuple[list[str], dict]:
    """libpq's connection arguments and environment for the database settings `db`."""
    args = ["--host", db.get("HOST") or "localhost", "--username", db.get("USER") or "postgres"]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(command: list[str], env=None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")


def _sqlite_copy(source_path, target_path) -> None:
    """SQLite's online backup: a consistent copy of the whole database, page by page, while
    others read and write it; the target is replaced as one transaction."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    except sqlite3.DatabaseError as error:  # not a database: nothing was copied
        raise BackupError(f"{source_path} is not a readable SQLite database: {error}") from error
    finally:
        target.close()
        source.close()


def backup(output: Path, alias="default") -> Path:
    """Write the whole database to `output`; nothing is left at `output` if it fails."""
    db = _database(alias)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:
        if connections[alias].vendor == "postgresql":
            args, env = _pg_env(db)
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args,
                 "--file", str(partial), db["NAME"]],
                env,
            )  # fmt: skip
        elif connections[alias].vendor == "sqlite":
            _sqlite_copy(db["NAME"], partial)
        else:
            raise BackupError(f"no backup for {connections[alias].vendor}")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def restore(backup_file: Path, alias="default") -> None:
    """Replace the database's contents with `backup_file`'s (made by `backup`)."""
    if not backup_file.is_file():
        raise BackupError(f"no backup at {backup_file}")
    db = _database(alias)
    connections[alias].close()
    if connections[alias].vendor == "postgresql":
        args, env = _pg_env(db)
        _run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", *args, "--dbname", db["NAME"],
             str(backup_file)],
            env,
        )  # fmt: skip
    elif connections[alias].vendor == "sqlite":
        _sqlite_copy(backup_file, db["NAME"])
    else:
        raise BackupError(f"no restore for {connections[alias].vendor}")


def table_counts(alias="default") -> dict[str, int]:
    """Rows in every table of the database (what a restore must bring back)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts
