"""Polling IMAP mailboxes: fetch, ingest (one commit per mail), then flag or move."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import close_old_connections
from django.utils import timezone

from supportdesk.mail.backends.imap import ImapSource
from supportdesk.mail.importer import ImportSummary, sort_date
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail, Mailbox
from supportdesk.tickets.models import Status
from supportdesk.tickets.services_history import tickets_close_history

log = logging.getLogger(__name__)


def poll_mailbox(mailbox: Mailbox, *, source: ImapSource | None = None) -> ImportSummary:
    """Everything new in the mailbox's folder, each marked done only after its commit. Mail
    dated before the mailbox's ``history_before`` is history (``tickets.history``); the
    mailbox's history tickets that owe no reply are closed after the pass."""
    summary = ImportSummary()
    own = source is None
    src = source or ImapSource(mailbox)
    cutoff = mailbox.history_before
    try:
        for uid, raw in src.fetch_new():
            result = ingest_raw(raw, source="imap", source_uid=uid, mailbox=mailbox,
                                history=cutoff is not None and sort_date(raw) < cutoff)
            summary.add(result.outcome)
            src.mark_done(uid)
        if cutoff is not None:
            summary.history_closed = len(tickets_close_history(ticket_ids=_open_history_tickets(mailbox),
                                                               before=cutoff))
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error="")
    except Exception as exc:
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=str(exc)[:2000])
        raise
    finally:
        if own:
            src.close()
    return summary


def _open_history_tickets(mailbox: Mailbox) -> list[int]:
    """Tickets this mailbox's history went to and nobody closed yet (a pass that crashed too)."""
    return list(InboundMail.objects.filter(mailbox=mailbox, history=True, ticket__isnull=False)
                .exclude(ticket__status=Status.CLOSED).order_by().values_list("ticket_id", flat=True).distinct())


def imap_mailboxes() -> list[Mailbox]:
    return list(Mailbox.objects.filter(kind=Mailbox.Kind.IMAP, enabled=True).order_by("pk"))


def poll_all() -> dict[str, dict[str, int] | str]:
    """One pass over every enabled IMAP mailbox; one broken mailbox does not stop the others."""
    results: dict[str, dict[str, int] | str] = {}
    for mailbox in imap_mailboxes():
        try:
            results[mailbox.name] = poll_mailbox(mailbox).as_dict()
        except Exception as exc:  # recorded on the mailbox row and in the log
            log.warning("polling mailbox %s failed: %s", mailbox.name, exc)
            results[mailbox.name] = f"error: {exc}"
    return results


def poll_forever(*, interval: float = 60.0, stop: Callable[[], bool] = lambda: False,
                 on_pass: Callable[[dict[str, dict[str, int] | str]], None] | None = None) -> None:
    """Poll, then wait: in IMAP IDLE when there is exactly one mailbox whose server has it
    (new mail wakes us at once), otherwise by sleeping ``interval`` seconds."""
    while not stop():
        close_old_connections()
        results = poll_all()
        if on_pass:
            on_pass(results)
        boxes = imap_mailboxes()
        if len(boxes) == 1 and not isinstance(results.get(boxes[0].name), str):
            try:
                with ImapSource(boxes[0]) as src:
                    src.select_folder()
                    if src.supports_idle:
                        src.wait_for_mail(timeout=interval)
                        continue
            except Exception as exc:  # noqa: BLE001 - fall back to sleeping
                log.warning("IMAP IDLE failed: %s", exc)
        time.sleep(interval)
