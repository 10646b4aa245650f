"""What the ticket page's reply boxes propose: the reply-all recipients, the ticket's files
to send again, the messages to forward. Read-only; the services check everything again."""

from __future__ import annotations

from django import template

from supportdesk.replies.files import sendable_files
from supportdesk.replies.recipients import Recipients, reply_all
from supportdesk.tickets.models import Attachment, Message, Ticket

register = template.Library()


@register.simple_tag
def reply_all_for(ticket: Ticket, conversation: list[Message] | None = None) -> Recipients:
    return reply_all(ticket, conversation if isinstance(conversation, list) else None)


@register.simple_tag
def files_of(ticket: Ticket, conversation: list[Message] | None = None) -> list[Attachment]:
    """Found once per page (kept on the ticket object): the reply, note and forward boxes each
    list them; from the page's ``conversation`` (its attachments prefetched) when it has one."""
    files: list[Attachment] | None = getattr(ticket, "_sd_sendable_files", None)
    if files is None:
        if isinstance(conversation, list):  # as sendable_files orders them: newest message first
            files = [a for m in reversed(conversation) if m.kind != Message.Kind.EVENT
                     for a in sorted(m.attachments.all(), key=lambda a: -a.pk)]
        else:
            files = sendable_files(ticket)
        ticket._sd_sendable_files = files  # type: ignore[attr-defined]
    return files


@register.simple_tag
def forwardable_messages(ticket: Ticket, conversation: list[Message] | None = None) -> list[Message]:
    """The ticket's messages but events; from the page's ``conversation`` (every entry, in order,
    with its author) when it has one, without another query."""
    if isinstance(conversation, list):
        return [m for m in conversation if m.kind != Message.Kind.EVENT]
    return list(ticket.messages.exclude(kind=Message.Kind.EVENT).select_related("author_user")
                .order_by("created_at", "id"))


@register.filter
def joined(addresses: list[str]) -> str:
    return ", ".join(addresses)
