"""What the ticket page's reply boxes propose: the reply-all recipients, the ticket's files
to send again, the messages to forward. Read-only; the services check everything again."""

from __future__ import annotations

from django import template

from supportdesk.replies.files import sendable_files
from supportdesk.replies.recipients import Recipients, reply_all
from supportdesk.tickets.models import Attachment, Message, Ticket

register = template.Library()


@register.simple_tag
def reply_all_for(ticket: Ticket) -> Recipients:
    return reply_all(ticket)


@register.simple_tag
def files_of(ticket: Ticket) -> list[Attachment]:
    return sendable_files(ticket)


@register.simple_tag
def forwardable_messages(ticket: Ticket) -> list[Message]:
    return list(ticket.messages.exclude(kind=Message.Kind.EVENT).select_related("author_user")
                .order_by("created_at", "id"))


@register.filter
def joined(addresses: list[str]) -> str:
    return ", ".join(addresses)
