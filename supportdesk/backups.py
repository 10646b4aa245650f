"""Backups: the database (SQLite's online backup API, or ``pg_dump``) and every attachment blob in
one folder with a manifest of checksums; restore verifies every checksum before it touches anything.

    supportdesk backup DIR            DIR/manifest.json, DIR/database.*, DIR/attachments/xx/yy/<sha256>
    supportdesk restore DIR           into an empty installation (``--force`` replaces a non-empty one)

A scheduled job (``backup_scheduled``, in the jobs list) makes one backup a day under
``SUPPORTDESK_BACKUP_DIR`` after ``SUPPORTDESK_BACKUP_HOUR`` office time and keeps the newest
``SUPPORTDESK_BACKUP_KEEP``. A backup is written to a hidden staging folder and renamed when
complete, so a folder with a manifest is always a whole backup.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from supportdesk.lib.blobstore import (
    blob_delete,
    blob_exists,
    blob_get,
    blob_list,
    blob_name,
    blob_open,
    blob_put,
)

MANIFEST = "manifest.json"
FORMAT = 1
BLOB_DIR = "attachments"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
# Rows in any of these mean the installation holds someone's data: restore asks for --force.
DATA_TABLES = ("tickets_ticket", "mail_inboundmail", "customers_customer")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why in plain words."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    files: int
    bytes: int
    seconds: float
    corrupt_blobs: tuple[str, ...] = ()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = dict(os.environ)
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env, args


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools "
                          "(Debian: apt-get install postgresql-client-15)")
    return path


def _dump_database(folder: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            connection.connection.backup(target)  # a consistent snapshot while others write
        finally:
            target.close()
        return SQLITE_FILE
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
            [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(folder / PG_FILE), str(connection.settings_dict["NAME"])],
            env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return PG_FILE
    raise BackupError(f"no backup method for a {connection.vendor} database")


def backup_create(target: Path) -> BackupSummary:
    """Write a whole backup to ``target`` (a new or empty folder)."""
    started = time.monotonic()
    target = Path(target).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty folder")
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        db_file = _dump_database(staging)
        files = {db_file: {"size": (staging / db_file).stat().st_size, "sha256": _sha256_file(staging / db_file)}}
        corrupt = []
        for sha in blob_list():  # the local folder or the S3 bucket, whichever holds them
            relative = blob_name(sha)
            copy = staging / BLOB_DIR / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            with blob_open(sha) as source, copy.open("wb") as target_file:
                shutil.copyfileobj(source, target_file, 1 << 20)
            digest = _sha256_file(copy)
            if digest != sha:
                corrupt.append(relative)  # kept as found; the manifest says what it holds
            files[f"{BLOB_DIR}/{relative}"] = {"size": copy.stat().st_size, "sha256": digest}
        applied = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "file": db_file, "migrations": applied},
            "attachment_blobs": sum(1 for name in files if name.startswith(BLOB_DIR + "/")),
            "corrupt_blobs": corrupt,
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    total = sum(int(str(f["size"])) for f in files.values())
    return BackupSummary(target, len(files), total, time.monotonic() - started, tuple(corrupt))


def backup_read_manifest(source: Path) -> dict[str, object]:
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} is not a SupportDesk backup (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format') if isinstance(manifest, dict) else '?'}")
    return manifest


def backup_verify(source: Path) -> dict[str, object]:
    """Every file the manifest lists, present with its size and checksum; else BackupError naming them."""
    manifest = backup_read_manifest(source)
    files = manifest["files"]
    assert isinstance(files, dict)
    problems = []
    for name, meta in sorted(files.items()):
        path = Path(source) / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != meta["size"] or _sha256_file(path) != meta["sha256"]:
            problems.append(f"{name}: changed since the backup (checksum differs)")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise BackupError(f"the backup in {source} is damaged, nothing was restored: {shown}")
    return manifest


def _holds_data() -> bool:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def backup_restore(source: Path, *, force: bool = False) -> BackupSummary:
    """Restore the database and the attachments of ``source`` into this installation."""
    started = time.monotonic()
    source = Path(source).absolute()
    manifest = backup_verify(source)
    database = manifest["database"]
    assert isinstance(database, dict)
    if database["vendor"] != connection.vendor:
        raise BackupError(f"the backup holds a {database['vendor']} database; this installation uses "
                          f"{connection.vendor} (restore into a {database['vendor']} database)")
    if not force and _holds_data():
        raise BackupError("this installation already holds tickets, mail or customers; restoring would replace "
                          "them — run restore with --force to do that")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(source / SQLITE_FILE)
        try:
            backup.backup(connection.connection)  # replaces every page of the live database
        finally:
            backup.close()
        connection.close()
    else:
        env, args = _pg_env_and_args()
        connection.close()
        result = subprocess.run(  # noqa: S603
            [_pg_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--dbname", str(connection.settings_dict["NAME"]), str(source / PG_FILE)],
            env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    files = manifest["files"]
    assert isinstance(files, dict)
    for name in sorted(files):
        if not name.startswith(BLOB_DIR + "/"):
            continue
        sha = name.rsplit("/", 1)[1]
        if files[name]["sha256"] != sha:
            continue  # a blob that was already damaged when the backup was made: not put back
        if blob_exists(sha) and hashlib.sha256(blob_get(sha)).hexdigest() == sha:
            continue
        blob_delete(sha)
        blob_put((source / name).read_bytes())
    total = sum(int(f["size"]) for f in files.values())
    return BackupSummary(source, len(files), total, time.monotonic() - started)


# ---- the scheduled backup ----------------------------------------------------------------------

def backup_folders(root: Path) -> list[Path]:
    """The complete backups under ``root`` (those with a manifest), oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file())


def backup_scheduled(now: dt.datetime | None = None) -> str:
    """The periodic job: one backup a day after the configured office hour, keeping the newest N."""
    root_setting = settings.BACKUP_DIR
    if not root_setting:
        return "disabled (SUPPORTDESK_BACKUP_DIR is not set)"
    from supportdesk.policy import get_policy

    root = Path(root_setting)
    local = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(get_policy().office.timezone))
    if local.hour < settings.BACKUP_HOUR:
        return "not yet (before the backup hour)"
    prefix = local.strftime("%Y-%m-%d")
    if any(p.name.startswith(prefix) for p in backup_folders(root)):
        return "done today"
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "another process is writing a backup"
        summary = backup_create(root / local.strftime("%Y-%m-%d-%H%M"))
        removed = [p for p in backup_folders(root)[: -settings.BACKUP_KEEP]]
        for old in removed:
            shutil.rmtree(old)
    return f"backup {summary.path.name}: {summary.files} files, {summary.bytes} bytes; removed {len(removed)} old"
