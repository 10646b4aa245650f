"""The contract every mail source keeps.

A source hands out raw messages with a stable id and hears back, only after the
database commit, which ones are done. Whatever it has handed out but not heard back
about is handed out again next time: that, plus dedupe in ``ingest``, is exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class MailSource(Protocol):
    #: ``InboundMail.source``: imap, lmtp, maildir, mbox, import, ...
    kind: str

    def fetch_new(self) -> Iterator[tuple[str, bytes]]:
        """(source_uid, raw bytes) of every message not yet marked done."""
        ...

    def mark_done(self, source_uid: str) -> None:
        """Called after the message's ingest committed; flag, move or forget it."""
        ...
