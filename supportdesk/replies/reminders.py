"""Reminders to silent customers and auto-close (rule 7), as an idempotent periodic job.

A ticket in ``waiting_customer`` gets one reminder after the policy's business days
(counted on the office calendar from the status change), and is closed with a closing
mail after the second period. The reminder is claimed with a conditional UPDATE of
``Ticket.reminder_sent_at`` (``tickets.services_bulk.ticket_claim_reminder``) in the transaction
that enqueues the mail, so two workers
never remind twice and a crash never loses the claim without the mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from supportdesk.policy import get_policy
from supportdesk.replies.mailer import NoEmailAddress, send_ticket_mail, ticket_mail_context
from supportdesk.replies.rendering import mail_language, render_mail
from supportdesk.replies.timefmt import moment_text
from supportdesk.tickets.clocks import office_calendar
from supportdesk.tickets.models import Status as TicketStatus
from supportdesk.tickets.models import StatusChange, Ticket
from supportdesk.tickets.services import ticket_add_event, ticket_lock, ticket_set_status
from supportdesk.tickets.services_bulk import ticket_claim_reminder


@dataclass
class ReminderResult:
    reminded: int = 0
    closed: int = 0


def waiting_since(ticket: Ticket) -> datetime | None:
    change = (StatusChange.objects.filter(ticket=ticket, to_status=TicketStatus.WAITING_CUSTOMER)
              .order_by("-at", "-id").first())
    return change.at if change else None


def _after_business_days(start: datetime, days: int) -> datetime:
    seconds = days * get_policy().sla.business_day_hours * 3600
    return office_calendar().add_business_seconds(start, seconds)


def _mail_context(ticket: Ticket, close_at: datetime | None, language: str) -> dict:
    policy = get_policy()
    zone = ticket.customer.timezone or policy.office.timezone
    return {
        **ticket_mail_context(ticket, language),
        "close_office": moment_text(close_at, policy.office.timezone, language) if close_at else "",
        "close_customer": moment_text(close_at, zone, language) if close_at else "",
        "same_zone": zone == policy.office.timezone,
    }


def _remind(ticket: Ticket, since: datetime, close_at: datetime, now: datetime) -> bool:
    with transaction.atomic():
        if not ticket_claim_reminder(pk=ticket.pk, since=since, now=now):
            return False
        language = mail_language(ticket.language)
        mail = render_mail("reminder", language=language, context=_mail_context(ticket, close_at, language))
        try:
            send_ticket_mail(ticket=ticket, kind="reminder", mail=mail, automatic=True,
                             auto_submitted="auto-generated", at=now)
        except NoEmailAddress:
            ticket_add_event(ticket=ticket, event="reminder_skipped", data={"reason": "no_address"}, at=now)
            return True
        ticket_add_event(ticket=ticket, event="reminder_sent", data={"close_at": close_at.isoformat()}, at=now)
    return True


def _close(ticket: Ticket, since: datetime, now: datetime) -> bool:
    with transaction.atomic(), ticket_lock(pk=ticket.pk) as locked:
        if locked.status != TicketStatus.WAITING_CUSTOMER or waiting_since(locked) != since:
            return False  # someone answered or another worker closed it
        # The policy's auto-close is the decision (and the reason) the unanswered-ticket rule asks for.
        ticket_set_status(ticket=locked, status=TicketStatus.CLOSED, reason="no answer from the customer", at=now,
                          confirmed=True)
        language = mail_language(locked.language)
        if locked.contact_email:
            mail = render_mail("closed", language=language, context=_mail_context(locked, None, language))
            send_ticket_mail(ticket=locked, kind="auto_close", mail=mail, automatic=True,
                             auto_submitted="auto-generated", at=now)
    return True


def _candidates(now: datetime, remind_days: int, close_days: int, limit: int) -> list[Ticket]:
    """Waiting tickets that may be due. N business days never pass in fewer than N-1
    calendar days, so younger waits are skipped in SQL; reminded ones wait for the close."""
    since = Subquery(StatusChange.objects.filter(ticket=OuterRef("pk"), to_status=TicketStatus.WAITING_CUSTOMER)
                     .order_by("-at", "-id").values("at")[:1])
    rows = (Ticket.objects.filter(status=TicketStatus.WAITING_CUSTOMER).annotate(waiting_since=since)
            .filter(waiting_since__lte=now - timedelta(days=max(remind_days - 1, 0)))
            .exclude(reminder_sent_at__gte=F("waiting_since"),
                     waiting_since__gt=now - timedelta(days=max(close_days - 1, 0)))
            .select_related("customer").order_by("waiting_since", "id"))
    return list(rows[:limit])


def reminders_run(*, now: datetime | None = None, limit: int = 200) -> ReminderResult:
    """Send due reminders and close tickets past the second period. Safe to run concurrently."""
    when = now or timezone.now()
    automation = get_policy().automation
    result = ReminderResult()
    for ticket in _candidates(when, automation.reminder_after_business_days,
                              automation.auto_close_after_business_days, limit):
        since = waiting_since(ticket)
        if since is None:
            continue
        close_at = _after_business_days(since, automation.auto_close_after_business_days)
        if when >= close_at:
            result.closed += _close(ticket, since, when)
        elif when >= _after_business_days(since, automation.reminder_after_business_days):
            result.reminded += _remind(ticket, since, close_at, when)
    return result
