"""Signals sent by the channels inside their transaction, so that receivers' writes
(the acknowledgment in the outbox, the checklist) commit or roll back with the ticket."""

from django.dispatch import Signal

# A customer's request or follow-up arrived on an official channel (not a robot, not spam).
# kwargs: ticket, message, is_new_ticket (bool), language (str), utc_offset (minutes | None),
#         attachments (Sequence[supportdesk.checklist.model.AttachmentInfo]), channel ("email" | "phone").
request_received = Signal()

# A message or event was added to a ticket (``tickets.services``), inside the writer's transaction:
# receivers' rows (notifications, their outbox mail) commit or roll back with it.
# kwargs: ticket, message.
message_added = Signal()

# The agent's ticket page is being rendered; a receiver returns a list of panels, each a dict
# with "template" (a template name) and whatever that template reads as ``panel``. Apps above
# tickets (presence, notifications) add to the page without tickets importing them.
# kwargs: request, ticket.
ticket_page_panels = Signal()

# A ticket was created (``tickets.services.ticket_create``), inside its transaction; its first
# message is added after this, in the same transaction. kwargs: ticket, by_user (User | None).
ticket_created = Signal()

# A ticket's status changed (every row of its status history after the first), inside the
# writer's transaction. kwargs: ticket, from_status, to_status, at, by_user, reason.
status_changed = Signal()
