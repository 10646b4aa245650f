"""mbox files (one file, many messages separated by ``From `` lines). Read-only."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from supportdesk.mail.parsing.repair import mbox_unescape


def is_mbox(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(5) == b"From "


class MboxSource:
    kind = "mbox"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._box = mailbox.mbox(str(self.path), factory=None, create=False)

    def __len__(self) -> int:
        return len(self._box)

    def fetch_new(self) -> Iterator[tuple[str, bytes]]:
        for key in self._box.iterkeys():
            # The "From " separator line and the ">From " escapes are the mbox's, not the message's.
            yield str(key), mbox_unescape(self._box.get_bytes(key, from_=False))

    def mark_done(self, source_uid: str) -> None:
        return None  # an mbox is an archive being migrated; it is never modified
