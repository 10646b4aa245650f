"""The escalation watcher: marks reply clocks at target (warning) and at limit (breach).

Each mark is claimed with a conditional UPDATE (``tickets.services_bulk.ticket_claim_reply_mark``:
``... WHERE reply_warned_at IS NULL AND reply_target_at <= now``) and only the run whose UPDATE changed the row writes the event and
the mail, in the same transaction. Two watchers at once (beat and an embedded loop, or two
workers) therefore notify exactly once: on PostgreSQL the second UPDATE waits for the first
transaction and then finds the row no longer matching; SQLite serialises writers outright.

A clock found past its limit but never warned (the watcher was down) gets both marks and one
notice, the breach: two mails at once would say the same thing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from supportdesk.escalation.notify import BREACH, WARNING, enqueue_notice, recipients
from supportdesk.escalation.recompute import sla_sync_calendar
from supportdesk.escalation.signals import reply_clock_marked
from supportdesk.policy import get_policy
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.services import ticket_add_event
from supportdesk.tickets.services_bulk import reply_mark_due, ticket_claim_reply_mark

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 500


@dataclass
class WatchResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    mails: int = 0
    recomputed: int | None = None  # tickets whose due times moved after a calendar change

    def __str__(self) -> str:
        text = f"warned {len(self.warned)}, breached {len(self.breached)}, mails {self.mails}"
        return text if self.recomputed is None else f"{text}, recomputed {self.recomputed}"


def _candidates(kind: str, now: datetime, limit: int) -> list[int]:
    """Tickets that look due for this mark; the claim re-checks each one."""
    order = "reply_due_at" if kind == BREACH else "reply_target_at"
    return list(Ticket.objects.filter(reply_mark_due(breach=kind == BREACH, now=now))
                .order_by(order, "pk").values_list("pk", flat=True)[:limit])


@dataclass(frozen=True)
class Mark:
    pk: int
    kind: str
    mail_id: int | None  # None when nobody has an address to be told at


def sla_mark(kind: str, pk: int, now: datetime) -> Mark | None:
    """Mark one ticket and notify, exactly once; None when another run (or a reply) got there first."""
    policy = get_policy()
    with transaction.atomic():
        if not ticket_claim_reply_mark(pk=pk, breach=kind == BREACH, now=now):
            return None
        ticket = Ticket.objects.select_related("customer", "assignee").get(pk=pk)
        to = recipients(ticket)
        mail_id = enqueue_notice(kind, ticket, policy, to, now) if to else None
        ticket_add_event(ticket=ticket, event=kind, at=now, data={
            "target": ticket.reply_target_at.isoformat() if ticket.reply_target_at else None,
            "due": ticket.reply_due_at.isoformat() if ticket.reply_due_at else None,
            "notified": to,
            "mail": mail_id,
        })
        reply_clock_marked.send(sender=Ticket, ticket=ticket, kind=kind, at=now)
    if not to:
        log.warning("ticket #%s: %s marked, but no agent has an e-mail address to notify", pk, kind)
    return Mark(pk, kind, mail_id)


def _sync_calendar(now: datetime) -> int | None:
    try:
        return sla_sync_calendar(now=now)
    except Exception:  # a broken policy file must not stop escalation on the rules in force
        log.exception("could not apply a calendar or policy change; due times keep the rules in force")
        return None


def sla_watch(now: datetime | None = None, *, limit: int = DEFAULT_LIMIT,
              sync: Callable[[datetime], int | None] = _sync_calendar) -> WatchResult:
    """One pass: apply a changed calendar, then breaches, then warnings (at most ``limit`` each)."""
    moment = now or timezone.now()
    result = WatchResult(recomputed=sync(moment))
    for kind, marked in ((BREACH, result.breached), (WARNING, result.warned)):
        for pk in _candidates(kind, moment, limit):
            mark = sla_mark(kind, pk, moment)
            if mark is not None:
                marked.append(pk)
                result.mails += mark.mail_id is not None
    return result
