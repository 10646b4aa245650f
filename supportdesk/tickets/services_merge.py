"""Merging a duplicate ticket into another and splitting one customer message out into a
ticket of its own: the messages, their records and the reply clocks move together.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.tickets.models import PAUSED_STATUSES, Message, ReplyFigure, Status, Ticket
from supportdesk.tickets.services import (
    ConfirmationRequired,
    InvalidAction,
    _apply_status,
    _clear_reply_clock,
    _lock_row,
    _require_scope,
    _start_reply_clock,
    ticket_add_event,
    ticket_create,
)


def ticket_merge(*, source: Ticket, target: Ticket, by_user: User | None, confirmed: bool = False) -> Ticket:
    """Merge a duplicate into ``target``: its messages move, it is closed and points at ``target``.

    Only tickets of one customer merge. If the duplicate still owes the customer a reply, the
    target inherits the older of the two reply clocks (and reopens if it was waiting or solved),
    so merging never hides an unanswered message.
    """
    if source.pk == target.pk:
        raise InvalidAction(gettext("a ticket cannot be merged into itself"))
    with transaction.atomic():
        first, second = sorted((source.pk, target.pk))
        locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=(first, second)).order_by("pk")}
        source, target = locked[source.pk], locked[target.pk]
        _require_scope(by_user, source)
        _require_scope(by_user, target)
        if source.customer_id != target.customer_id:
            raise InvalidAction(gettext("only tickets of the same customer can be merged"))
        if Status.CLOSED in (source.status, target.status):
            raise InvalidAction(gettext("a closed ticket cannot be merged"))
        if not confirmed:
            raise ConfirmationRequired(
                gettext("Merge #%(source)s «%(source_subject)s» into #%(target)s «%(target_subject)s»? "
                        "Its %(count)s messages move to #%(target)s and #%(source)s is closed; "
                        "this cannot be undone.")
                % {"source": source.pk, "source_subject": source.subject, "target": target.pk,
                   "target_subject": target.subject, "count": Message.objects.filter(ticket=source).count()})
        now = timezone.now()
        moved = Message.objects.filter(ticket=source).update(ticket=target)
        ReplyFigure.objects.filter(ticket=source).update(ticket=target)  # the figures follow their messages
        # The channels' records follow their messages (reverse relations: tickets imports no channel).
        source.calls.update(ticket=target)
        source.inbound_mails.update(ticket=target)
        fields: list[str] = []
        if source.reply_pending_since is not None:
            if target.status in (*PAUSED_STATUSES, Status.SOLVED):
                _apply_status(target, Status.OPEN, at=now, by_user=by_user, reason=f"merged #{source.pk}")
                fields += ["status", "solved_at"]
            if target.reply_pending_since is None or source.reply_pending_since < target.reply_pending_since:
                for name in ("reply_pending_since", "reply_target_at", "reply_due_at", "reply_warned_at",
                             "reply_breached_at"):
                    setattr(target, name, getattr(source, name))
                    fields.append(name)
        if source.last_customer_message_at and (target.last_customer_message_at is None
                                                or source.last_customer_message_at > target.last_customer_message_at):
            target.last_customer_message_at = source.last_customer_message_at
            fields.append("last_customer_message_at")
        if fields:
            target.save(update_fields=sorted(set(fields)) + ["updated_at"])
        source.merged_into = target
        _apply_status(source, Status.CLOSED, at=now, by_user=by_user, reason=f"merged into #{target.pk}")
        source.save(update_fields=["merged_into", "status", "closed_at", "solved_at", "updated_at",
                                   *_clear_reply_clock(source)])
        ticket_add_event(ticket=source, event="merged_into", by_user=by_user, at=now,
                         data={"ticket": target.pk, "messages": moved})
        ticket_add_event(ticket=target, event="merged_from", by_user=by_user, at=now,
                         data={"ticket": source.pk, "messages": moved})
        audit_record(actor=by_user, action=AuditEntry.Action.TICKET_MERGE, target=target,
                     details={"source": source.pk, "target": target.pk, "messages": moved})
    return target


SPLITTABLE_KINDS = (Message.Kind.INCOMING, Message.Kind.CALL)


def ticket_split(*, message: Message, subject: str, by_user: User | None) -> Ticket:
    """Move one customer message (with its attachments and its mail record) out of its ticket
    into a new ticket of the same customer, with its own reply clock: the new ticket owes a
    reply from the moment the customer wrote (unless the message was a robot's or a call the
    agent answered). The old ticket's clock restarts from its oldest still unanswered customer
    message, or stops. Both tickets get an event naming the other. The checklist of the new
    ticket starts empty: the caller evaluates the moved message (``replies.split``).

    Refused, with nothing written, for a message that is not the customer's, for a closed or
    merged ticket, and for the ticket's only customer message (splitting it would leave an
    empty ticket: change the ticket's subject instead)."""
    subject = " ".join(subject.split())
    if not subject:
        raise InvalidAction(gettext("Subject: the new ticket needs a subject."))
    now = timezone.now()
    with transaction.atomic():
        source = _lock_row(message.ticket_id)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.ticket_id != source.pk:
            raise InvalidAction(gettext("This message has moved to another ticket meanwhile."))
        if message.kind not in SPLITTABLE_KINDS:
            raise InvalidAction(gettext("Only a customer's message or a call can be split into a new ticket."))
        if source.status == Status.CLOSED or source.merged_into_id is not None:
            raise InvalidAction(gettext("Ticket #%(n)s is closed: nothing can be split out of it.") % {"n": source.pk})
        customer_messages = source.messages.filter(kind__in=SPLITTABLE_KINDS)
        if not customer_messages.exclude(pk=message.pk).exists():
            raise InvalidAction(gettext(
                "This is the only customer message of ticket #%(n)s: splitting it would leave the ticket "
                "empty. Change the ticket's subject instead.") % {"n": source.pk})
        channel = message.channel or source.channel
        reply_to = message.from_addr.strip().lower() if channel == "email" and "@" in message.from_addr else ""
        ticket = ticket_create(customer=source.customer, subject=subject, channel=channel,
                               contact_email=reply_to or source.contact_email, language=source.language,
                               created_at=now, by_user=by_user)
        ticket.assignee_id = source.assignee_id
        Message.objects.filter(pk=message.pk).update(ticket=ticket)
        # The mail record and the call follow their message (reverse relations: no channel import).
        if message.inbound_id is not None:
            source.inbound_mails.filter(pk=message.inbound_id).update(ticket=ticket)
        source.calls.filter(message_id=message.pk).update(ticket=ticket)
        fields = ["assignee"]
        customer_speaks = message.kind == Message.Kind.INCOMING and not message.is_robot
        if customer_speaks:
            ticket.last_customer_message_at = message.created_at
            fields += ["last_customer_message_at", *_start_reply_clock(ticket, message.created_at)]
        elif message.answers_customer:  # a call that answered the customer owes no reply
            ticket.first_response_at = ticket.last_agent_message_at = message.created_at
            fields += ["first_response_at", "last_agent_message_at"]
        ticket.save(update_fields=fields + ["updated_at"])
        source.save(update_fields=_recount_reply_clock(source) + ["updated_at"])
        ticket_add_event(ticket=ticket, event="split_from", by_user=by_user, at=now,
                         data={"ticket": source.pk, "message": message.pk})
        ticket_add_event(ticket=source, event="split_to", by_user=by_user, at=now,
                         data={"ticket": ticket.pk, "message": message.pk})
    return ticket


def _recount_reply_clock(ticket: Ticket) -> list[str]:
    """After a customer message left the locked ticket: its last customer message time, and its
    reply clock from the oldest customer message still unanswered (none: the clock stops)."""
    incoming = ticket.messages.filter(kind=Message.Kind.INCOMING, is_robot=False)
    ticket.last_customer_message_at = incoming.order_by("-created_at").values_list("created_at", flat=True).first()
    fields = ["last_customer_message_at"]
    if ticket.reply_pending_since is None:
        return fields  # no reply was owed (paused, solved, or answered): nothing to recount
    answered = (ticket.messages.filter(answers_customer=True, kind__in=(Message.Kind.OUTGOING, Message.Kind.CALL))
                .order_by("-created_at").values_list("created_at", flat=True).first())
    if answered is not None:
        incoming = incoming.filter(created_at__gt=answered)
    oldest = incoming.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest == ticket.reply_pending_since:
        return fields
    fields += _clear_reply_clock(ticket)
    if oldest is not None:
        _start_reply_clock(ticket, oldest)
    return fields

