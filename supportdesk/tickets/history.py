"""History: mail from before the team switched to SupportDesk, imported as the record it is.

A department that switches brings its old support mailbox. Read as if it arrived today, every
request in it would be acknowledged again, notify the agents and start a reply clock that ran
out months ago. Inside ``recording_history()`` (the archive import sets it around each old
mail) a customer's message starts no reply clock, the acknowledgment is not sent (an
"ack_skipped" event says why) and no agent is notified; the import then closes the tickets it
filled only with history (``services_history``). Our own answers in that mailbox (its Sent
folder) are recorded as the replies they were (``mail.handlers.place_our_old_reply``), and an
old bounce does not mark the customer's address undeliverable today. Everything else is as on
any day: threading, the customer's record, the completeness check, the search index; the
events the services write meanwhile are dated at the old mail (``history_moment``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

# (recording history, the moment being recorded: what "now" is for the services meanwhile)
_RECORDING: ContextVar[tuple[bool, datetime | None]] = ContextVar("supportdesk_recording_history",
                                                                  default=(False, None))


@contextmanager
def recording_history(active: bool = True, *, at: datetime | None = None) -> Iterator[None]:
    """Messages added in this block are history (``active=False``: an ordinary block). ``at``:
    the time of the old mail being placed; the events the services write meanwhile (the
    product the check found, the routing) take it instead of today's."""
    token = _RECORDING.set((active, at if active else None))
    try:
        yield
    finally:
        _RECORDING.reset(token)


def is_history() -> bool:
    return _RECORDING.get()[0]


def history_moment() -> datetime | None:
    """The time of the old mail being placed, inside ``recording_history(at=...)``; else None."""
    return _RECORDING.get()[1]
