"""Files agents send: the policy's size limits, and a ticket's stored files sent again
(a customer's log forwarded to a partner) without uploading them again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from supportdesk.lib.blobstore import blob_get
from supportdesk.policy import get_policy
from supportdesk.tickets.models import Attachment, Message, Ticket
from supportdesk.tickets.services import AttachmentData, InvalidAction


def check_file_size(filename: str, size: int) -> None:
    """One file against the policy's per-file limit; the error names the file."""
    limit = get_policy().attachments.max_file_bytes
    if size > limit:
        raise InvalidAction(gettext("“%(name)s” is %(size)s: a file may be at most %(limit)s.") % {
            "name": filename, "size": filesizeformat(size), "limit": filesizeformat(limit)})


def check_attachments(attachments: Sequence[AttachmentData]) -> None:
    """Every file and all of them together within the policy's limits (``[attachments]``)."""
    for a in attachments:
        check_file_size(a.filename, len(a.content))
    total = sum(len(a.content) for a in attachments)
    limit = get_policy().attachments.max_total_bytes
    if total > limit:
        raise InvalidAction(gettext("The files together are %(size)s: one mail may carry at most %(limit)s.") % {
            "size": filesizeformat(total), "limit": filesizeformat(limit)})


def stored_attachment_data(attachments: Iterable[Attachment]) -> list[AttachmentData]:
    return [AttachmentData(filename=a.filename, content_type=a.content_type, content=blob_get(a.sha256))
            for a in attachments]


def ticket_files(*, ticket: Ticket, ids: Sequence[int]) -> list[AttachmentData]:
    """The ticket's stored files with these ids, in the order given: only files of this
    ticket's messages (an id from another ticket is refused, not silently dropped)."""
    if not ids:
        return []
    found = {a.pk: a for a in Attachment.objects.filter(pk__in=list(ids), message__ticket=ticket)
             .exclude(message__kind=Message.Kind.EVENT)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise InvalidAction(gettext("The ticket has no such file to send again (%(ids)s).") % {"ids": ", ".join(missing)})
    return stored_attachment_data(found[i] for i in dict.fromkeys(ids))


def sendable_files(ticket: Ticket) -> list[Attachment]:
    """The files on the ticket an agent may send again, newest first (inline images too:
    a screenshot pasted into a mail body is often the one a partner needs)."""
    return list(Attachment.objects.filter(message__ticket=ticket).exclude(message__kind=Message.Kind.EVENT)
                .select_related("message").order_by("-message__created_at", "-id"))
