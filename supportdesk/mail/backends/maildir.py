"""Maildir (new/ and cur/) and plain folders of ``.eml`` files."""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from pathlib import Path


def is_maildir(path: Path) -> bool:
    return path.is_dir() and all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


class MaildirSource:
    """A Maildir. ``readonly`` (imports) never touches it; otherwise a done message
    moves from new/ to cur/ with the Seen flag, as a mail client would."""

    kind = "maildir"

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._box = mailbox.Maildir(str(self.path), factory=None, create=False)

    def __len__(self) -> int:
        return len(self._box)

    def fetch_new(self) -> Iterator[tuple[str, bytes]]:
        for key in sorted(self._box.iterkeys()):
            if not self.readonly and "S" in self._flags(key):
                continue  # already handed to the database by an earlier run
            try:
                raw = self._box.get_bytes(key)
            except (KeyError, FileNotFoundError):
                continue  # removed by someone else meanwhile
            yield key, raw

    def _flags(self, key: str) -> str:
        try:
            return self._box.get_message(key).get_flags()
        except KeyError:
            return ""

    def mark_done(self, source_uid: str) -> None:
        if self.readonly:
            return
        try:
            msg = self._box.get_message(source_uid)
        except KeyError:
            return
        msg.set_subdir("cur")
        msg.add_flag("S")
        self._box[source_uid] = msg


class EmlDirectorySource:
    """A folder (searched recursively) of one-message files: ``*.eml``, or every file
    when there is no ``.eml`` at all. Read-only: an import never changes its input."""

    kind = "eml"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        files = sorted(p for p in self.path.rglob("*.eml") if p.is_file())
        if not files:
            files = sorted(p for p in self.path.rglob("*") if p.is_file() and not p.name.startswith("."))
        self.files = files

    def __len__(self) -> int:
        return len(self.files)

    def fetch_new(self) -> Iterator[tuple[str, bytes]]:
        for file in self.files:
            yield os.fspath(file.relative_to(self.path)), file.read_bytes()

    def mark_done(self, source_uid: str) -> None:
        return None
