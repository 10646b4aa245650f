"""Split a customer message out of its ticket (the customer wrote two problems in one mail):
the move itself is ``tickets.services_merge.ticket_split``; here the new ticket's request checklist
is evaluated on the moved message, in the same transaction."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from supportdesk.checklist import AttachmentInfo
from supportdesk.lib.blobstore import blob_get
from supportdesk.replies.completeness import apply_check, check_message
from supportdesk.replies.services import _require_agent
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.selectors import visible_ticket_ids
from supportdesk.tickets.services_merge import ticket_split

# Small text attachments (logs, configs) are read by the check, as at intake.
_TEXT_MAX = 256 * 1024
_TEXT_SUFFIXES = (".txt", ".log", ".xml", ".json", ".ini", ".cfg", ".conf", ".yaml", ".yml", ".csv")


def _infos(message: Message) -> list[AttachmentInfo]:
    infos = []
    for a in message.attachments.all():
        text = None
        texty = a.content_type.startswith("text/") or a.filename.lower().endswith(_TEXT_SUFFIXES)
        if texty and a.size <= _TEXT_MAX:
            try:
                text = blob_get(a.sha256).decode("utf-8", errors="replace")
            except OSError:
                text = None  # a missing blob only costs the check this file's text
        infos.append(AttachmentInfo(filename=a.filename, content_type=a.content_type, size=a.size, text=text))
    return infos


def ticket_split_message(*, message: Message, subject: str, by_user: User) -> Ticket:
    """A new ticket for ``message`` with its own clock and its own checklist (InvalidAction,
    nothing written, when the split is refused)."""
    _require_agent(by_user)
    if not visible_ticket_ids(user=by_user, ids=[message.ticket_id]):
        raise PermissionDenied("another team's ticket")
    with transaction.atomic():
        ticket = ticket_split(message=message, subject=subject, by_user=by_user)
        moved = Message.objects.select_related("ticket").get(pk=message.pk)
        if moved.kind == Message.Kind.INCOMING:
            ticket = apply_check(ticket=ticket, result=check_message(moved, _infos(moved)))
    return ticket
