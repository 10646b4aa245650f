"""History: mail from before the team switched to SupportDesk, imported as the record it is.

A department that switches brings its old support mailbox. Read as if it arrived today, every
request in it would be acknowledged again, notify the agents and start a reply clock that ran
out months ago. Inside ``recording_history()`` (the archive import sets it around each old
mail) a customer's message starts no reply clock, the acknowledgment is not sent (an
"ack_skipped" event says why) and no agent is notified; the import then closes the tickets it
filled only with history (``services_history``). Our own answers in that mailbox (its Sent
folder) are recorded as the replies they were (``mail.handlers.place_our_old_reply``), and an
old bounce does not mark the customer's address undeliverable today. Everything else is as on
any day: threading, the customer's record, the completeness check, the search index.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_RECORDING: ContextVar[bool] = ContextVar("supportdesk_recording_history", default=False)


@contextmanager
def recording_history(active: bool = True) -> Iterator[None]:
    """Messages added in this block are history (``active=False``: an ordinary block)."""
    token = _RECORDING.set(active)
    try:
        yield
    finally:
        _RECORDING.reset(token)


def is_history() -> bool:
    return _RECORDING.get()
