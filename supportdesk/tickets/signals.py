"""Signals sent by the channels inside their transaction, so that receivers' writes
(the acknowledgment in the outbox, the checklist) commit or roll back with the ticket."""

from django.dispatch import Signal

# A customer's request or follow-up arrived on an official channel (not a robot, not spam).
# kwargs: ticket, message, is_new_ticket (bool), language (str), utc_offset (minutes | None),
#         attachments (Sequence[supportdesk.checklist.model.AttachmentInfo]), channel ("email" | "phone").
request_received = Signal()
