"""The e-mail of a notification, in the site's language (agents read Russian, like the SLA
notices): internal mail (outbox reference ``internal:ticket:N``, subject "№N", never "[#N]"),
so the intake never takes it, or an answer to it, for a customer's message."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.notifications.models import Notification
from supportdesk.outbox.compose import build_message
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import internal_ref, outbox_enqueue
from supportdesk.policy import get_policy
from supportdesk.policy.public_url import public_url
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.presenters import event_text


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "SupportDesk"


def notification_headline(kind: str, ticket: Ticket, actor: User | None, message: Message | None) -> str:
    """One translated line: what happened (the list, the mail's subject and first line)."""
    values = {"number": ticket.pk, "subject": ticket.subject, "actor": _name(actor)}
    if kind == Notification.Kind.ASSIGNED:
        return _("%(actor)s assigned ticket №%(number)s to you: %(subject)s") % values
    if kind == Notification.Kind.CUSTOMER_REPLY:
        return _("The customer replied on your ticket №%(number)s: %(subject)s") % values
    if kind == Notification.Kind.MENTION:
        return _("%(actor)s mentioned you in a note on ticket №%(number)s: %(subject)s") % values
    if kind == Notification.Kind.SLA_WARNING:
        return _("Reply target reached on your ticket №%(number)s: %(subject)s") % values
    if kind == Notification.Kind.SLA_BREACH:
        return _("Reply deadline missed on your ticket №%(number)s: %(subject)s") % values
    if message is not None and message.kind == Message.Kind.INCOMING:
        return _("The customer replied on ticket №%(number)s that you follow: %(subject)s") % values
    if message is not None and message.kind == Message.Kind.OUTGOING:
        return _("%(actor)s replied to the customer on ticket №%(number)s that you follow: %(subject)s") % values
    if message is not None and message.kind == Message.Kind.NOTE:
        return _("%(actor)s added a note on ticket №%(number)s that you follow: %(subject)s") % values
    if message is not None and message.kind == Message.Kind.CALL:
        return _("%(actor)s logged a call on ticket №%(number)s that you follow: %(subject)s") % values
    what = event_text(message.event, message.event_data) if message is not None else ""
    return _("Ticket №%(number)s that you follow: %(what)s — %(subject)s") % {**values, "what": what}


def enqueue_notification_mail(notification: Notification, recipient: User) -> OutgoingMail:
    """Put the notification's mail in the outbox (inside the transaction that created it)."""
    policy = get_policy()
    ticket = notification.ticket
    with translation.override(settings.LANGUAGE_CODE):
        headline = notification_headline(notification.kind, ticket, notification.actor, notification.message)
        lines = [headline, ""]
        if notification.excerpt:
            lines += [notification.excerpt, ""]
        lines += [
            _("Open the ticket: %(url)s") % {"url": public_url(reverse("tickets:detail", args=[ticket.pk]))},
            "",
            _("Which notifications come by e-mail is set on your notification settings page: %(url)s")
            % {"url": public_url(reverse("notifications:settings"))},
        ]
    actor_email = notification.actor.email if notification.actor is not None else ""
    message_id, raw = build_message(
        from_addr=policy.support_email, from_name=policy.support.name, to=[recipient.email], subject=headline,
        text="\n".join(lines), automatic=True, auto_submitted="auto-generated", language=settings.LANGUAGE_CODE,
        # An answer reaches the colleague who acted, not the support mailbox.
        reply_to=actor_email or None)
    return outbox_enqueue(kind="notify", ref=internal_ref(f"ticket:{ticket.pk}"), from_addr=policy.support_email,
                          to_addrs=[recipient.email], subject=headline, raw=raw, message_id=message_id,
                          is_automatic=True, created_at=notification.created_at)
