"""Who hears about a reply clock at target or limit, and what they read.

Agents read Russian (the site's default language), so the text is rendered in
``settings.LANGUAGE_CODE`` whatever the language of the process that runs the watcher.

A notice is internal mail and never part of the customer's conversation: the subject names
the ticket as "№N", never "[#N]"; its outbox reference is ``internal:ticket:N`` (the intake
files an answer to it as an agent's note, never as a customer message); it references no
message of the ticket; and Reply-To is the supervisors (else the recipients), never the
support address, so "Беру в работу" goes to colleagues, not into the support mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.accounts.roles import AGENTS, SUPERVISORS
from supportdesk.outbox.compose import build_message
from supportdesk.outbox.services import internal_ref, outbox_enqueue
from supportdesk.policy import Policy
from supportdesk.policy.public_url import public_url
from supportdesk.tickets.models import Ticket

WARNING = "sla_warning"
BREACH = "sla_breach"


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str


def recipients(ticket: Ticket) -> list[str]:
    """The assignee, or else every active agent and supervisor, by e-mail address."""
    assignee = ticket.assignee
    if assignee is not None and assignee.is_active and assignee.email:
        return [assignee.email]
    users = get_user_model().objects.filter(
        Q(groups__name__in=(AGENTS, SUPERVISORS)) | Q(is_superuser=True), is_active=True).exclude(email="")
    return sorted({email.strip().lower() for email in users.values_list("email", flat=True)})


def reply_to(to: list[str], policy: Policy) -> list[str]:
    """Who an answer to a notice reaches: the supervisors, else the notice's own recipients;
    never one of the support addresses."""
    supervisors = get_user_model().objects.filter(groups__name=SUPERVISORS, is_active=True).exclude(email="")
    own = {e.address.lower() for e in policy.emails}
    for candidates in (supervisors.values_list("email", flat=True), to):
        chosen = sorted({a.strip().lower() for a in candidates} - own)
        if chosen:
            return chosen
    return []


def _office(moment: datetime, policy: Policy) -> str:
    return f"{moment.astimezone(policy.office.zone):%d.%m.%Y %H:%M}"


def _office_zone(moment: datetime, policy: Policy) -> str:
    """'Новосибирск, UTC+07:00': the office zone as it was at that moment."""
    offset = moment.astimezone(policy.office.zone).strftime("%z")
    return f"{policy.office.city}, UTC{offset[:3]}:{offset[3:]}"


def ticket_link(ticket: Ticket, policy: Policy) -> str:
    return public_url(reverse("tickets:detail", args=[ticket.pk]))


def compose_notice(kind: str, ticket: Ticket, policy: Policy) -> Notice:
    if ticket.reply_pending_since is None or ticket.reply_target_at is None or ticket.reply_due_at is None:
        raise ValueError(f"ticket #{ticket.pk} has no running reply clock")
    values = {
        "number": ticket.pk,
        "subject": ticket.subject,
        "customer": str(ticket.customer),
        "since": _office(ticket.reply_pending_since, policy),
        "target": _office(ticket.reply_target_at, policy),
        "due": _office(ticket.reply_due_at, policy),
        "url": ticket_link(ticket, policy),
        "zone": _office_zone(ticket.reply_due_at, policy),
    }
    with translation.override(settings.LANGUAGE_CODE):
        if kind == WARNING:
            subject = _("Ticket №%(number)s: reply target reached — %(subject)s") % values
            lead = _("The customer has been waiting for a reply to ticket №%(number)s «%(subject)s» "
                     "since %(since)s. The reply target (%(target)s) has been reached; the reply is "
                     "due by %(due)s.") % values
        elif kind == BREACH:
            subject = _("Ticket №%(number)s: reply deadline missed — %(subject)s") % values
            lead = _("The customer has been waiting for a reply to ticket №%(number)s «%(subject)s» "
                     "since %(since)s. The reply was due by %(due)s and has not been sent. "
                     "Please answer now, or call the customer.") % values
        else:
            raise ValueError(f"unknown notice kind {kind!r}")
        lines = [
            lead,
            _("All times are office time (%(zone)s).") % values,
            "",
            _("Customer: %(customer)s") % values,
            _("Open the ticket: %(url)s") % values,
            "",
            _("This message was sent automatically by SupportDesk."),
        ]
    return Notice(subject=subject, text="\n".join(lines))


def enqueue_notice(kind: str, ticket: Ticket, policy: Policy, to: list[str], now: datetime) -> int:
    """Put the notice in the outbox (call inside the transaction that marked the ticket)."""
    notice = compose_notice(kind, ticket, policy)
    answers_to = reply_to(to, policy)
    message_id, raw = build_message(
        from_addr=policy.support_email, from_name=policy.support.name, to=to, subject=notice.subject,
        text=notice.text, automatic=True, auto_submitted="auto-generated", language=settings.LANGUAGE_CODE,
        reply_to=", ".join(answers_to) or None)
    mail = outbox_enqueue(kind=kind, ref=internal_ref(f"ticket:{ticket.pk}"), from_addr=policy.support_email,
                          to_addrs=to, subject=notice.subject, raw=raw, message_id=message_id, is_automatic=True,
                          created_at=now)
    return mail.pk
