"""Backups: the restore drill (backup → wipe → restore gives equal rows and byte-identical
attachments) through the real commands, on the suite's own kind of database; damage detection;
the scheduled job's retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from supportdesk import backups

REPO = Path(__file__).resolve().parents[2]

MAIL = """From: Olga Smirnova <olga{n}@channel-example.ru>
To: support@example.com
Subject: Forward TS {n}: log attached
Message-ID: <drill-{n}@channel-example.ru>
Date: Thu, 03 Dec 2026 10:0{n}:00 +0700
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Forward TS 6.2.1: после обновления нет звука на втором выходе. Лог во вложении.
--b
Content-Type: application/octet-stream; name="forward-{n}.log"
Content-Disposition: attachment; filename="forward-{n}.log"
Content-Transfer-Encoding: base64

{payload}
--b--
"""


def _run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "supportdesk.cli", *args], cwd=REPO, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, f"supportdesk {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def _pg_admin(sql: str) -> None:
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                         password=db["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)


def _rows(env: dict[str, str]) -> dict[str, list[Any]]:
    """Every row of every table of the installation ``env`` points at, in a stable order."""
    url = env["DATABASE_URL"]
    if not url:
        db = sqlite3.connect(Path(env["SUPPORTDESK_DATA_DIR"]) / "supportdesk.sqlite3")
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        dump = {t: sorted((repr(row) for row in db.execute(f'SELECT * FROM "{t}"')), key=str) for t in tables}  # noqa: S608
        db.close()
        return dump
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: sorted((repr(row) for row in conn.execute(f'SELECT * FROM "{t}"')), key=str) for t in tables}  # noqa: S608


def _blobs(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.django_db
def test_backup_wipe_restore_gives_equal_rows_and_identical_attachments(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTDESK_", "DJANGO_", "DATABASE_URL"))}
    env.update(SUPPORTDESK_DEV="1", SUPPORTDESK_DATA_DIR=str(data), DATABASE_URL="")
    pg_name = ""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        pg_name = f"sd_drill_{secrets.token_hex(4)}"
        _pg_admin(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{pg_name}"
    try:
        _run(env, "migrate", "-v0")
        _run(env, "demo")
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        for n in range(3):
            import base64

            payload = base64.encodebytes(os.urandom(50_000 + n)).decode()
            (inbox / f"{n}.eml").write_text(MAIL.format(n=n, payload=payload))
        _run(env, "mail", "import", str(inbox))
        before_rows, before_blobs = _rows(env), _blobs(data / "attachments")
        assert len(before_blobs) == 3
        assert sum(len(v) for v in before_rows.values()) > 50

        out = _run(env, "backup", str(tmp_path / "backup")).stdout
        assert "backup written to" in out
        manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
        assert manifest["attachment_blobs"] == 3 and manifest["database"]["vendor"] == connection.vendor

        # Wipe: the data folder (SQLite file, attachments, key) and, on PostgreSQL, the database itself.
        shutil.rmtree(data)
        if pg_name:
            _pg_admin(f'DROP DATABASE "{pg_name}" WITH (FORCE)')
            _pg_admin(f'CREATE DATABASE "{pg_name}"')
        _run(env, "restore", str(tmp_path / "backup"))
        assert _blobs(data / "attachments") == before_blobs
        assert _rows(env) == before_rows

        # Restoring over data asks for --force; a damaged backup restores nothing and names the file.
        refused = _run(env, "restore", str(tmp_path / "backup"), check=False)
        assert refused.returncode != 0 and "--force" in refused.stderr
        blob = next((tmp_path / "backup" / "attachments").rglob("*"))
        while blob.is_dir():
            blob = next(blob.iterdir())
        blob.write_bytes(blob.read_bytes()[:-1] + b"!")
        damaged = _run(env, "restore", "--check", str(tmp_path / "backup"), check=False)
        assert damaged.returncode != 0 and "damaged" in damaged.stderr and blob.name in damaged.stderr
    finally:
        if pg_name:
            _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(backups.BackupError, match="not an empty folder"):
        backups.backup_create(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def test_restore_of_a_folder_that_is_no_backup_says_so(tmp_path: Path) -> None:
    with pytest.raises(backups.BackupError, match="not a SupportDesk backup"):
        backups.backup_verify(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_scheduled_backup_once_a_day_after_the_hour_keeping_the_newest(tmp_path: Path) -> None:
    root = tmp_path / "backups"
    for day in ("2026-11-30-0300", "2026-12-01-0300", "2026-12-02-0300"):
        (root / day).mkdir(parents=True)
        (root / day / "manifest.json").write_text("{}")
    (root / ".2026-12-03-0300.partial").mkdir()  # an interrupted one is not a backup
    attachments = tmp_path / "attachments"
    with override_settings(BACKUP_DIR=str(root), BACKUP_KEEP=2, BACKUP_HOUR=3, ATTACHMENT_ROOT=attachments):
        # 02:30 in Novosibirsk (UTC+7): before the hour.
        assert backups.backup_scheduled(dt.datetime(2026, 12, 3, 19, 30, tzinfo=dt.UTC)).startswith("not yet")
        result = backups.backup_scheduled(dt.datetime(2026, 12, 3, 20, 15, tzinfo=dt.UTC))  # 03:15 on the 4th
        assert result.startswith("backup 2026-12-04-0315") and "removed 2 old" in result
        assert [p.name for p in backups.backup_folders(root)] == ["2026-12-02-0300", "2026-12-04-0315"]
        assert backups.backup_scheduled(dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)) == "done today"
    with override_settings(BACKUP_DIR=""):
        assert backups.backup_scheduled().startswith("disabled")
