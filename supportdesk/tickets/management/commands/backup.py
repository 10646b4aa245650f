"""``supportdesk backup DIR``: the database and every attachment, with a manifest of checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the attachments into DIR (a new or empty folder), with a manifest of checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            summary = backup_create(opts["dir"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {summary.path}: {summary.files} files, "
                          f"{summary.bytes / 1024**2:.1f} MiB in {summary.seconds:.1f} s")
        for name in summary.corrupt_blobs:
            self.stderr.write(f"warning: attachment {name} no longer matches its checksum (damaged on disk before the backup)")
