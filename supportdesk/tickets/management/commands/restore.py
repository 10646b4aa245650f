"""``supportdesk restore DIR``: verify a backup's checksums, then restore its database and attachments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.backups import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = ("Restore a backup made by `supportdesk backup` (stop the web, worker and intake processes first). "
            "Every checksum is verified before anything is changed.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path)
        parser.add_argument("--force", action="store_true",
                            help="replace an installation that already holds tickets, mail or customers")
        parser.add_argument("--check", action="store_true", help="only verify the backup; change nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["check"]:
                manifest = backup_verify(opts["dir"])
                self.stdout.write(f"{opts['dir']}: intact ({len(manifest['files'])} files, "  # type: ignore[arg-type]
                                  f"made {manifest['created_at']})")
                return
            summary = backup_restore(opts["dir"], force=opts["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {summary.path}: {summary.files} files, {summary.bytes / 1024**2:.1f} MiB "
                          f"in {summary.seconds:.1f} s")
