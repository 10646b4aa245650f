"""Ticket look-up without passwords: one-time, expiring links sent by e-mail, and the
customer's additions registered on the ticket."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from supportdesk.customers.models import CustomerEmail
from supportdesk.lib.params import parse_positive_int
from supportdesk.lib.ratelimit import address_bucket, rate_hit, rate_key
from supportdesk.lib.tokens import token_hash
from supportdesk.outbox.compose import build_message
from supportdesk.outbox.services import outbox_enqueue
from supportdesk.policy import get_policy
from supportdesk.policy.public_url import public_url
from supportdesk.portal.models import AccessLink
from supportdesk.replies.rendering import mail_language
from supportdesk.tickets import services as tickets
from supportdesk.tickets.models import Message, Ticket

LINK_TTL = timedelta(hours=24)
SESSION_TTL = timedelta(hours=2)
RATE_WINDOW_SECONDS = 3600
RATE_PER_IP = 20
# Link mails per e-mail address and window: look-ups beyond it still answer "sent" but
# mail nothing more (the links already sent stay valid), so nobody can lock a customer out
# or flood their mailbox by looking up their address.
MAILS_PER_ADDRESS = 5
SESSION_KEY = "portal_tickets"


class RateLimited(Exception):
    pass



def _parse_number(text: str) -> int | None:
    digits = text.strip().lstrip("[#").rstrip("]").strip()
    try:
        return parse_positive_int(digits, maximum=10**12 - 1)
    except ValueError:
        return None


MAX_MERGE_HOPS = 10


def _matching_ticket(number: int, email: str) -> Ticket | None:
    """The ticket the customer may read under ``number``: that ticket when the address is
    its customer's, or, when it was merged, the ticket it was merged into (its number is
    the one the acknowledgment gave; only tickets of one customer merge)."""
    owners = CustomerEmail.objects.filter(address=email).values("customer_id")
    ticket = Ticket.objects.filter(pk=number).filter(Q(contact_email=email) | Q(customer_id__in=owners)).first()
    for _ in range(MAX_MERGE_HOPS):
        if ticket is None or ticket.merged_into_id is None:
            return ticket
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first()
    return None  # a merge cycle: nothing to show


def access_link_request(*, ticket_number: str, email: str, ip: str) -> None:
    """Mail a one-time link if the pair matches. Says nothing either way, so that the
    caller's answer cannot reveal whether a ticket exists; raises RateLimited only on
    the attempt count of the client address ``ip``, which is the same for existing and
    unknown pairs. An address that got MAILS_PER_ADDRESS links this hour gets no more."""
    email = email.strip().lower()
    if rate_hit(key=rate_key("portal-lookup-ip", address_bucket(ip)), limit=RATE_PER_IP,
                window_seconds=RATE_WINDOW_SECONDS):
        raise RateLimited
    number = _parse_number(ticket_number)
    ticket = _matching_ticket(number, email) if number is not None and email else None
    if ticket is None or rate_hit(key=rate_key("portal-link-mail", email), limit=MAILS_PER_ADDRESS,
                                  window_seconds=RATE_WINDOW_SECONDS):
        return
    with transaction.atomic():
        token = access_link_issue(ticket=ticket, email=email)
        _send_link(ticket, email, token, asked=number)


def access_link_issue(*, ticket: Ticket, email: str) -> str:
    """A one-time link to ``ticket`` for ``email``, valid LINK_TTL; returns the token (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AccessLink.objects.create(ticket=ticket, email=email, token_sha256=token_hash(token), created_at=now,
                              expires_at=now + LINK_TTL)
    return token


def _send_link(ticket: Ticket, email: str, token: str, *, asked: int | None = None) -> None:
    policy = get_policy()
    language = mail_language(ticket.language)
    url = public_url(reverse("portal:access", kwargs={"token": token}))
    with translation.override(language):
        context = {"ticket": ticket, "url": url, "hours": int(LINK_TTL.total_seconds() // 3600), "policy": policy,
                   "merged_from": asked if asked is not None and asked != ticket.pk else None}
        subject = render_to_string("portal/lookup_subject.txt", context).strip()
        text = render_to_string("portal/lookup_body.txt", context)
    support = policy.support_email
    message_id, raw = build_message(
        from_addr=support, from_name=policy.support.name_en if language == "en" else policy.support.name,
        to=[email], subject=subject, text=text, automatic=True, auto_submitted="auto-generated", language=language)
    outbox_enqueue(kind="lookup", ref=f"ticket:{ticket.pk}", from_addr=support, to_addrs=[email],
                   subject=subject, raw=raw, message_id=message_id, is_automatic=True)


def access_link_peek(*, token: str) -> AccessLink | None:
    """The link if it can still be used (for the confirmation page; changes nothing)."""
    link = AccessLink.objects.filter(token_sha256=token_hash(token)).select_related("ticket").first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link


def access_link_redeem(*, token: str) -> AccessLink | None:
    """Use the link once: a conditional UPDATE, so two clicks cannot both win."""
    now = timezone.now()
    claimed = AccessLink.objects.filter(token_sha256=token_hash(token), used_at__isnull=True,
                                        expires_at__gt=now).update(used_at=now)
    if claimed != 1:
        return None
    return AccessLink.objects.select_related("ticket").get(token_sha256=token_hash(token))


def portal_add_message(*, ticket: Ticket, email: str, text: str) -> Message:
    """The customer's addition, registered as their incoming message on the ticket.

    The portal is not a channel of its own (rule 4): the message is recorded as e-mail
    from the address the link was sent to, marked ``via: portal`` in event_data. It
    reopens a waiting or solved ticket and starts the reply clock as any e-mail does;
    a closed ticket raises TicketClosed (the customer is asked to write a new e-mail).
    """
    return tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, channel="email",
                                      body_text=text.strip()[:20000], author_customer=ticket.customer,
                                      from_addr=email, subject=f"[#{ticket.pk}] {ticket.subject}",
                                      event_data={"via": "portal"})


def access_links_purge(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Periodic job: forget links that expired a while ago (used or not)."""
    deleted, _ = AccessLink.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted
