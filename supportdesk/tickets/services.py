"""The only writers of tickets and messages (with the ``services_*`` modules beside this one:
checklist, merge and split, contacts, tags, bulk writes). Every service is one transaction.

Lifecycle rules (SPEC §3) and the reply clock (rule 6) are enforced here, so no
view, intake path or command can bypass them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext

from supportdesk.accounts.models import Team
from supportdesk.accounts.teams import may_see_team
from supportdesk.catalog.models import Product, Release
from supportdesk.customers.models import Customer
from supportdesk.lib import txmark
from supportdesk.lib.blobstore import blob_put
from supportdesk.lib.optimistic import active as optimistic_active
from supportdesk.policy import get_policy
from supportdesk.tickets import clocks
from supportdesk.tickets.history import history_moment, is_history
from supportdesk.tickets.lifecycle import check_transition
from supportdesk.tickets.models import (
    CHECKLIST_ITEMS,
    NO_SUBJECT,
    PAUSED_STATUSES,
    Attachment,
    Message,
    Priority,
    ReplyFigure,
    Status,
    StatusChange,
    Ticket,
)
from supportdesk.tickets.priority import contract_tier, higher, initial_priority, priority_from_words
from supportdesk.tickets.routing_rules import first_matching_team, ticket_facts
from supportdesk.tickets.selectors import ticket_changes_since
from supportdesk.tickets.signals import message_added, status_changed, ticket_created


class ChannelNotAccepted(ValueError):
    """Rule 4: only the official channels register requests."""

    def __init__(self, channel: str, official: Sequence[str]) -> None:
        super().__init__(
            f"'{channel}' is not an official support channel; requests are registered only from: "
            + ", ".join(official)
        )
        self.channel = channel


class TicketClosed(ValueError):
    pass


class InvalidAction(ValueError):
    pass


class ConfirmationRequired(InvalidAction):
    """The action is refused until the agent confirms it (and gives a reason where asked):
    the confirmation is a step of the service, not only a dialog in the page."""

    def __init__(self, question: str, *, needs_reason: bool = False) -> None:
        super().__init__(question)
        self.question = question
        self.needs_reason = needs_reason


class StaleSubmit(ConfirmationRequired):
    """The agent's page is older than someone else's change to the ticket (``changes``, oldest
    first): the submit goes through only once the agent has seen them and confirms."""

    def __init__(self, question: str, *, changes: list[Message], needs_reason: bool = False) -> None:
        super().__init__(question, needs_reason=needs_reason)
        self.changes = changes


@dataclass(frozen=True)
class AttachmentData:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""
    is_inline: bool = False


def _now(at: datetime | None) -> datetime:
    return at or history_moment() or timezone.now()


def _lock_row(ticket: Ticket | int) -> Ticket:
    """The one place a ticket's row is locked for writing (SELECT ... FOR UPDATE). An instance
    is refreshed in place, so the caller's object shows what the service then writes."""
    if isinstance(ticket, int):
        return Ticket.objects.select_for_update().get(pk=ticket)
    ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update())
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    """The ticket a service writes: the caller's instance as it is when the caller holds it
    (inside ``ticket_lock`` or ``ticket_open``), otherwise the same instance read again under a
    row lock, so concurrent writers serialise. The same rule in tests and in production."""
    if getattr(ticket, "_sd_held", False):
        return ticket
    return _lock_row(ticket)


@contextmanager
def _holding(ticket: Ticket, *, opened: bool = False) -> Iterator[Ticket]:
    """Hold ``ticket`` for a block of services. In an optimistic transaction (the intake's
    usual path, ``lib.optimistic``: no savepoint, a failure redoes the whole mail) the
    services' writes to the row are collected and made once, when the block ends: the message,
    its checklist and its routing make one UPDATE instead of one each; a system event (the
    product the check found) goes into the INSERT of the next message, or is written when the
    block ends. Not elsewhere: after a rolled-back savepoint a service reads the row again
    (``ticket_forget``), and would lose what was collected before it."""
    optimistic = optimistic_active()
    ticket._sd_held = True  # type: ignore[attr-defined]
    ticket._sd_opened = opened  # type: ignore[attr-defined]
    ticket._sd_pending = set() if optimistic else None  # type: ignore[attr-defined]
    ticket._sd_events = [] if optimistic else None  # type: ignore[attr-defined]
    try:
        yield ticket
        _write_messages(ticket, _take_events(ticket))
        pending = ticket._sd_pending  # type: ignore[attr-defined]
        ticket._sd_pending = None  # type: ignore[attr-defined]
        if pending:
            ticket.save(update_fields=sorted(pending))
    finally:
        ticket._sd_held = ticket._sd_opened = False  # type: ignore[attr-defined]
        ticket._sd_pending = ticket._sd_events = None  # type: ignore[attr-defined]


def _take_events(ticket: Ticket) -> list[Message]:
    """The system events collected on a held ticket and not written yet (see ``_holding``)."""
    events: list[Message] | None = getattr(ticket, "_sd_events", None)
    if not events:
        return []
    ticket._sd_events = []  # type: ignore[attr-defined]
    return events


def save_ticket(ticket: Ticket, fields: Sequence[str]) -> None:
    """Write these fields of a service's ticket: now, or when its holder's block ends (see
    ``_holding``). The services a mail's placement runs (message, checklist, routing) write
    through here; a save made directly meanwhile writes its own fields, and the block's UPDATE
    the ones collected."""
    pending = getattr(ticket, "_sd_pending", None)
    if pending is not None:
        pending.update(fields)
        return
    ticket.save(update_fields=sorted(set(fields)))


def opened_in_this_block(ticket: Ticket) -> bool:
    """Whether the ticket was opened by the ``ticket_open`` block that holds it: nobody can
    follow it yet (no other transaction sees it), unless someone follows it in this block."""
    return bool(getattr(ticket, "_sd_opened", False))


def ticket_followed(ticket: Ticket) -> None:
    """Someone follows the ticket now (see ``opened_in_this_block``)."""
    ticket._sd_opened = False  # type: ignore[attr-defined]


def tickets_read_locked(pks: Sequence[int]) -> dict[int, Ticket]:
    """Tickets by primary key, read under a row lock kept until the transaction ends (a plain
    read outside a transaction). The intake routes a mail by reading its ticket, then writes
    it: ``ticket_lock(pk=..., read=ticket)`` takes such an instance without reading the row
    again. Locked in primary key order, as every writer of several tickets does; a ticket
    merged into another is read without a lock (the mail goes on to the other one)."""
    mark = txmark.current()
    if mark is None:
        return {t.pk: t for t in Ticket.objects.filter(pk__in=pks)}
    found = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=pks, merged_into__isnull=True)
             .order_by("pk")}
    for ticket in found.values():
        ticket._sd_locked_in = mark  # type: ignore[attr-defined]
    missing = [pk for pk in pks if pk not in found]
    if missing:
        found.update((t.pk, t) for t in Ticket.objects.filter(pk__in=missing))
    return found


@contextmanager
def ticket_lock(*, pk: int, read: Ticket | None = None) -> Iterator[Ticket]:
    """Hold one ticket for a block of services on it (the intake: message, checklist,
    acknowledgment). The row is read once, under a lock kept until the transaction ends
    (``read``: the instance ``tickets_read_locked`` gave in this transaction, used as it is);
    every service given the yielded instance inside the block writes through it without
    reading it again. After the block the instance is an ordinary one again."""
    with transaction.atomic(savepoint=False):
        locked = read is not None and read.pk == pk and getattr(read, "_sd_locked_in", None) is txmark.current()
        with _holding(read if locked and read is not None else _lock_row(pk)) as ticket:
            yield ticket


@contextmanager
def ticket_open(**create: Any) -> Iterator[Ticket]:
    """``ticket_create(**create)``, held for the block as ``ticket_lock`` holds a ticket: a row
    this transaction inserted is nobody else's until the commit, so it needs no lock."""
    with transaction.atomic(savepoint=False), _holding(ticket_create(**create), opened=True) as ticket:
        yield ticket


def ticket_forget(ticket: Ticket) -> Ticket:
    """After a rolled-back savepoint: the instance may hold changes the database lost, so
    read it again (a held ticket stays held: its lock was taken before the savepoint)."""
    ticket.refresh_from_db()
    return ticket


def _record_status(ticket: Ticket, to_status: str, *, at: datetime, by_user: User | None,
                   reason: str) -> None:
    from_status = ticket.status if ticket.pk else ""
    StatusChange.objects.create(ticket=ticket, from_status=from_status,
                                to_status=to_status, at=at, by_user=by_user, reason=reason[:200])
    status_changed.send(sender=Ticket, ticket=ticket, from_status=from_status, to_status=to_status, at=at,
                        by_user=by_user, reason=reason[:200])


def _clear_reply_clock(ticket: Ticket) -> list[str]:
    ticket.reply_pending_since = None
    ticket.reply_target_at = None
    ticket.reply_due_at = None
    ticket.reply_warned_at = None
    ticket.reply_breached_at = None
    return ["reply_pending_since", "reply_target_at", "reply_due_at", "reply_warned_at", "reply_breached_at"]


def _start_reply_clock(ticket: Ticket, received: datetime) -> list[str]:
    if ticket.reply_pending_since is not None:
        return []  # the oldest unanswered message sets the deadline
    ticket.reply_pending_since = received
    ticket.reply_target_at, ticket.reply_due_at = clocks.reply_deadlines(
        received, priority=ticket.priority, tier=ticket.sla_tier)
    ticket.reply_warned_at = None
    ticket.reply_breached_at = None
    return ["reply_pending_since", "reply_target_at", "reply_due_at", "reply_warned_at", "reply_breached_at"]


def ticket_create(
    *,
    customer: Customer,
    subject: str,
    channel: str,
    contact_email: str = "",
    language: str | None = None,
    product: Product | None = None,
    reported_version: str = "",
    created_at: datetime | None = None,
    by_user: User | None = None,
    follows_up: Ticket | None = None,
) -> Ticket:
    """A new ticket in status ``new``. Refuses any channel the policy does not accept."""
    accepted = get_policy().channels.accepted
    if channel not in accepted:
        raise ChannelNotAccepted(channel, accepted)
    at = _now(created_at)
    tier = contract_tier(customer)
    with transaction.atomic(savepoint=False):  # nothing in here is caught: no savepoint needed
        ticket = Ticket(
            priority=initial_priority(get_policy().priority, tier=tier),
            sla_tier=tier[:50],
            # One line: every mail about the ticket carries it in a header, which cannot hold a
            # line break (a subject through the API, a call's summary, an encoded word may have one).
            subject=(" ".join(line.strip() for line in subject.splitlines() if line.strip()) or NO_SUBJECT)[:300],
            customer=customer,
            contact_email=contact_email.strip().lower(),
            channel=channel,
            status=Status.NEW,
            language=language or customer.language or "ru",
            product=product,
            reported_version=reported_version[:40],
            created_at=at,
            follows_up=follows_up,
        )
        if follows_up is not None:
            _carry_over(follows_up, ticket)
        ticket.save()
        StatusChange.objects.create(ticket=ticket, from_status="", to_status=Status.NEW, at=at,
                                    by_user=by_user, reason="created")
        ticket_created.send(sender=Ticket, ticket=ticket, by_user=by_user)
    return ticket


def _carry_over(previous: Ticket, ticket: Ticket) -> None:
    """A follow-up starts with what the customer already gave on the closed ticket: the
    checklist items present there, the product and version, so nobody asks for them again."""
    given = {k: dict(v, evidence=(v.get("evidence") or "")[:200]) for k, v in (previous.checklist or {}).items()
             if k in CHECKLIST_ITEMS and isinstance(v, dict) and v.get("present")}
    ticket.checklist = given
    ticket.checklist_complete = all(k in given for k in CHECKLIST_ITEMS)
    if ticket.product_id is None:
        ticket.product_id = previous.product_id
    if not ticket.reported_version:
        ticket.reported_version = previous.reported_version


def _store_attachments(message: Message, attachments: Sequence[AttachmentData]) -> None:
    Attachment.objects.bulk_create([
        Attachment(message=message, filename=(a.filename or "attachment")[:255],
                   content_type=(a.content_type or "application/octet-stream")[:120],
                   size=len(a.content), sha256=blob_put(a.content),
                   content_id=a.content_id[:255], is_inline=a.is_inline)
        for a in attachments
    ])


def ticket_add_message(
    *,
    ticket: Ticket,
    kind: str,
    body_text: str = "",
    body_html: str = "",
    subject: str = "",
    channel: str = "",
    author_user: User | None = None,
    author_customer: Customer | None = None,
    from_addr: str = "",
    to_addrs: str = "",
    cc_addrs: str = "",
    quoted_start: int | None = None,
    is_automatic: bool = False,
    is_robot: bool = False,
    answers_customer: bool | None = None,
    event: str = "",
    event_data: dict | None = None,
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    inbound_id: int | None = None,
    outgoing_id: int | None = None,
    attachments: Sequence[AttachmentData] = (),
    created_at: datetime | None = None,
    time_spent: int | None = None,
    events: Sequence[tuple[str, dict]] = (),
) -> Message:
    """Add one message and apply its effect on the lifecycle and the reply clock.

    - a customer message (not a robot's) reopens a waiting or solved ticket and starts
      a reply clock if none runs;
    - a public agent reply, or a call that answered the customer, stops the clock;
      automatic mail never does.

    ``events``: (event, data) of system events that record the message (an acknowledgment
    sent), written with it in one INSERT and following it in the conversation.
    """
    if kind not in Message.Kind.values:
        raise InvalidAction(f"unknown message kind {kind!r}")
    at = _now(created_at)
    customer_speaks = kind == Message.Kind.INCOMING and not is_robot
    # No savepoint of its own (a round trip each way on the hot intake path): an error here
    # rolls back the caller's transaction; the refusal is raised after the block, not in it.
    with transaction.atomic(savepoint=False):
        ticket = _locked(ticket)
        closed = customer_speaks and ticket.status == Status.CLOSED
        if not closed:
            if answers_customer is None:
                answers_customer = kind == Message.Kind.OUTGOING and not is_automatic
            message = Message(
                ticket=ticket, kind=kind, channel=channel or ticket.channel, author_user=author_user,
                author_customer=author_customer, from_addr=from_addr[:254], to_addrs=to_addrs,
                cc_addrs=cc_addrs,
                subject=subject[:300], body_text=body_text, body_html=body_html, quoted_start=quoted_start,
                is_automatic=is_automatic, is_robot=is_robot, answers_customer=answers_customer,
                event=event[:40], event_data=event_data or {}, message_id=message_id[:255],
                in_reply_to=in_reply_to[:255], references=references, inbound_id=inbound_id,
                outgoing_id=outgoing_id, created_at=at, time_spent=time_spent or None,
            )
            recorded = [_event(ticket, event=name, by_user=None, data=data, text="", at=at) for name, data in events]
            earlier = _take_events(ticket)  # collected before this message: they come first
            _insert_messages([*earlier, message, *recorded])
            if attachments:
                _store_attachments(message, attachments)
            agent_answers = answers_customer and kind in (Message.Kind.OUTGOING, Message.Kind.CALL)
            if agent_answers and ticket.reply_pending_since is not None:
                _record_reply_figures(ticket, reply=message, at=at, by_user=author_user)
            fields = _triage_new_request(ticket, body_text, to_addrs) if customer_speaks else []
            fields += _message_effects(ticket, at=at, customer_speaks=customer_speaks,
                                       agent_answers=agent_answers, by_user=author_user)
            if fields:
                save_ticket(ticket, [*fields, "updated_at"])
            _announce(ticket, [*earlier, message, *recorded])
    if closed:
        raise TicketClosed(f"ticket #{ticket.pk} is closed; a new message starts a new ticket")
    return message


def _announce(ticket: Ticket, messages: list[Message]) -> None:
    for added in messages:
        message_added.send(sender=Message, ticket=ticket, message=added)


def _write_messages(ticket: Ticket, messages: list[Message]) -> None:
    """Messages that change nothing else on the ticket (system events): written, then announced."""
    if messages:
        _insert_messages(messages)
        _announce(ticket, messages)


def _insert_messages(messages: list[Message]) -> None:
    """Messages written in one INSERT, each then announced as ``save()`` announces it (the
    search index follows ``post_save``, which ``bulk_create`` does not send)."""
    Message.objects.bulk_create(messages)
    for message in messages:
        post_save.send(sender=Message, instance=message, created=True, update_fields=None, raw=False,
                       using=message._state.db)


def _record_reply_figures(ticket: Ticket, *, reply: Message, at: datetime, by_user: User | None) -> None:
    """The reply clock stops: store, for each customer message it answers, how long that message
    waited in business time and whether the reply met the target and the limit (the reports
    read these rows rather than recomputing three million intervals).

    The messages answered are the customer's since the previous answer; a message older than
    the running clock (a reopened ticket) counts from the clock's start."""
    pending = ticket.reply_pending_since
    assert pending is not None
    waiting = Message.objects.filter(ticket=ticket, kind=Message.Kind.INCOMING, is_robot=False, created_at__lte=at,
                                     reply_figure__isnull=True)
    if ticket.last_agent_message_at is not None:
        waiting = waiting.filter(created_at__gt=ticket.last_agent_message_at)
    first = ticket.first_response_at is None
    figures = []
    for index, (pk, created) in enumerate(waiting.order_by("created_at", "id").values_list("pk", "created_at")):
        figure = clocks.reply_figure(max(created, pending), at, priority=ticket.priority, tier=ticket.sla_tier)
        figures.append(ReplyFigure(ticket=ticket, message_id=pk, reply=reply, agent=by_user,
                                   received_at=max(created, pending), replied_at=at,
                                   business_seconds=figure.business_seconds, within_target=figure.within_target,
                                   within_limit=figure.within_limit, is_first=first and index == 0))
    ReplyFigure.objects.bulk_create(figures)


def _triage_new_request(ticket: Ticket, text: str, to_addrs: str) -> list[str]:
    """Intake's rules on a new ticket's first customer message, before its clock starts: the
    priority words, then the team routing rules. Later messages and agents' choices are left alone."""
    if ticket.status != Status.NEW or ticket.reply_pending_since is not None or ticket.last_customer_message_at:
        return []
    fields = []
    found = priority_from_words(get_policy().priority, f"{ticket.subject}\n{text}")
    if found is not None and higher(ticket.priority, found) != ticket.priority:
        ticket.priority = found
        fields.append("priority")
    return fields + _route_by_rules(ticket, to_addrs)


def _route_by_rules(ticket: Ticket, to_addrs: str = "") -> list[str]:
    """An unrouted ticket goes to the team of the first routing rule it matches."""
    if ticket.team_id is not None:
        return []
    team_id = first_matching_team(ticket_facts(ticket, to_addrs))
    if team_id is None:
        return []
    ticket.team_id = team_id
    ticket_add_event(ticket=ticket, event="team", data={"team": Team.objects.get(pk=team_id).name, "rule": True})
    return ["team"]


def ticket_set_team(*, ticket: Ticket, team: Team | None, by_user: User | None) -> Ticket:
    """Route by hand (None: unrouted). An assignee who cannot see the new team's tickets is
    unassigned, as the ticket leaves their queue."""
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        if ticket.team_id == (team.pk if team else None):
            return ticket
        ticket.team = team
        fields = ["team", "updated_at"]
        if ticket.assignee is not None and not may_see_team(ticket.assignee, team.pk if team else None):
            ticket.assignee = None
            fields.append("assignee")
            ticket_add_event(ticket=ticket, event="assigned", by_user=by_user, data={"assignee": None})
        ticket.save(update_fields=fields)
        ticket_add_event(ticket=ticket, event="team", by_user=by_user, data={"team": team.name if team else None})
    return ticket


def _require_scope(user: User | AnonymousUser | None, ticket: Ticket) -> None:
    """An agent acts only on the tickets of their teams and the unrouted ones (None: the system)."""
    if user is not None and not may_see_team(user, ticket.team_id):
        raise PermissionDenied("this ticket belongs to another team")


def ticket_set_priority(*, ticket: Ticket, priority: str, by_user: User | None,
                        at: datetime | None = None) -> Ticket:
    """Change the priority; a running reply clock gets the due times of the new SLA policy
    (from the same start), and a warning or breach mark the new times no longer reach is cleared."""
    if priority not in Priority.values:
        raise InvalidAction(gettext("Unknown priority “%(p)s”.") % {"p": priority})
    now = _now(at)
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        before = ticket.priority
        if before == priority:
            return ticket
        ticket.priority = priority
        fields = ["priority", "updated_at"]
        if ticket.reply_pending_since is not None:
            target, due = clocks.reply_deadlines(ticket.reply_pending_since, priority=priority, tier=ticket.sla_tier)
            ticket.reply_target_at, ticket.reply_due_at = target, due
            if target > now:
                ticket.reply_warned_at = None
            if due > now:
                ticket.reply_breached_at = None
            fields += ["reply_target_at", "reply_due_at", "reply_warned_at", "reply_breached_at"]
        ticket.save(update_fields=fields)
        ticket_add_event(ticket=ticket, event="priority", by_user=by_user, at=now,
                         data={"from": before, "to": priority,
                               "due": ticket.reply_due_at.isoformat() if ticket.reply_due_at else None})
    return ticket


def _message_effects(ticket: Ticket, *, at: datetime, customer_speaks: bool, agent_answers: bool,
                     by_user: User | None) -> list[str]:
    """A new message's effect on the locked ticket's lifecycle and reply clock; the fields to save."""
    fields: list[str] = []
    if is_history():
        return _history_effects(ticket, at=at, customer_speaks=customer_speaks, agent_answers=agent_answers,
                                by_user=by_user)
    if customer_speaks:
        ticket.last_customer_message_at = at
        fields.append("last_customer_message_at")
        if ticket.status in (*PAUSED_STATUSES, Status.SOLVED):
            _apply_status(ticket, Status.OPEN, at=at, by_user=None, reason="customer replied")
            fields += ["status", "solved_at"]
        fields += _start_reply_clock(ticket, at)
    elif agent_answers:
        ticket.last_agent_message_at = at
        fields.append("last_agent_message_at")
        if ticket.first_response_at is None:
            ticket.first_response_at = at
            fields.append("first_response_at")
        fields += _clear_reply_clock(ticket)
        if ticket.status == Status.NEW:
            _apply_status(ticket, Status.OPEN, at=at, by_user=by_user, reason="answered")
            fields.append("status")
    return fields


def _history_effects(ticket: Ticket, *, at: datetime, customer_speaks: bool, agent_answers: bool,
                     by_user: User | None) -> list[str]:
    """An old message from the archive (``tickets.history``) is part of the record and news to
    nobody: it starts no reply clock and reopens nothing, never moves the last-heard times
    back, and our old answer stops only a clock that ran from before it (none runs on a ticket
    of history alone); an answered new ticket is open, as on any day."""
    fields: list[str] = []
    if customer_speaks and (ticket.last_customer_message_at is None or at > ticket.last_customer_message_at):
        ticket.last_customer_message_at = at
        fields.append("last_customer_message_at")
    if not agent_answers:
        return fields
    if ticket.last_agent_message_at is None or at > ticket.last_agent_message_at:
        ticket.last_agent_message_at = at
        fields.append("last_agent_message_at")
    if ticket.first_response_at is None or at < ticket.first_response_at:
        ticket.first_response_at = at
        fields.append("first_response_at")
    if ticket.reply_pending_since is not None and ticket.reply_pending_since <= at:
        fields += _clear_reply_clock(ticket)
    if ticket.status == Status.NEW:
        _apply_status(ticket, Status.OPEN, at=at, by_user=by_user, reason="answered")
        fields.append("status")
    return fields


def _apply_status(ticket: Ticket, status: str, *, at: datetime, by_user: User | None,
                  reason: str) -> None:
    """Move a locked ticket to ``status`` (checked) and record it in the history; caller saves."""
    check_transition(ticket.status, status)
    _record_status(ticket, status, at=at, by_user=by_user, reason=reason)
    ticket.status = status
    if status == Status.SOLVED:
        ticket.solved_at = at
    elif status == Status.OPEN:
        ticket.solved_at = None
    if status == Status.CLOSED:
        ticket.closed_at = at


def ticket_set_status(
    *,
    ticket: Ticket,
    status: str,
    by_user: User | None = None,
    reason: str = "",
    release: Release | None = None,
    at: datetime | None = None,
    confirmed: bool = False,
    seen: int | None = None,
) -> Ticket:
    """Change the status, enforcing the lifecycle table. ``waiting_release`` needs a planned release.

    ``seen`` (the newest entry the agent's page showed): a change by someone else since then
    needs ``confirmed`` (``StaleSubmit``), asked together with the reason below when both apply.

    Solving or closing a ticket the customer never had a public answer on (mail or call) needs
    ``confirmed`` and a ``reason``, which the history records: one click must not end a request
    nobody answered."""
    when = _now(at)
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        check_transition(ticket.status, status)
        unanswered_end = status_needs_confirmation(ticket, status)
        changes = ticket_changes_since(ticket=ticket, seen=seen, user=by_user) if seen is not None else []
        if changes and not confirmed:
            question = _stale_question(ticket, changes)
            if unanswered_end:
                question += " " + gettext("No public reply has been sent on it yet: give the reason for ending it "
                                          "without one (the customer is not told).")
            raise StaleSubmit(question, changes=changes, needs_reason=unanswered_end)
        if unanswered_end and not (confirmed and reason.strip()):
            raise ConfirmationRequired(
                gettext("Ticket #%(n)s has had no public reply. Give the reason for ending it without one "
                        "(the customer is not told).") % {"n": ticket.pk}, needs_reason=True)
        fields = ["status", "solved_at", "closed_at", "waiting_release", "resolution_business_seconds"]
        if status == Status.WAITING_RELEASE:
            if release is None:
                raise InvalidAction("waiting for a release needs the release to wait for")
            if release.status != Release.Status.PLANNED:
                raise InvalidAction(f"release {release} is already published; nothing to wait for")
            ticket.waiting_release = release
        elif ticket.waiting_release_id is not None and status != Status.WAITING_RELEASE:
            ticket.waiting_release = None
        _apply_status(ticket, status, at=when, by_user=by_user, reason=reason or "status changed")
        if status in (*PAUSED_STATUSES, Status.SOLVED, Status.CLOSED):
            # We are now waiting on the customer or a release, or done: no reply is owed.
            fields += _clear_reply_clock(ticket)
        if status in (Status.SOLVED, Status.CLOSED):
            resolution = clocks.ticket_resolution(ticket_status_history(ticket), when)
            ticket.resolution_business_seconds = resolution.net_seconds
            ticket.waiting_customer_business_seconds = resolution.waiting_customer_seconds
            ticket.waiting_release_business_seconds = resolution.waiting_release_seconds
            fields += ["waiting_customer_business_seconds", "waiting_release_business_seconds"]
        ticket.save(update_fields=sorted(set(fields)) + ["updated_at"])
        data = {"to": status, "reason": reason, "release": release.pk if release else None}
        if unanswered_end:
            data["confirmed"] = True
        ticket_add_event(ticket=ticket, event="status", by_user=by_user, data=data, at=when)
    return ticket


def status_needs_confirmation(ticket: Ticket, status: str) -> bool:
    """Solving or closing without any public reply; closing a solved ticket was decided when solving."""
    return (status in (Status.SOLVED, Status.CLOSED) and ticket.status != Status.SOLVED
            and ticket.first_response_at is None)


def ticket_reopen(*, ticket: Ticket, by_user: User, reason: str = "", at: datetime | None = None) -> Ticket:
    """An agent reopens a solved or closed ticket (for everything else a closed ticket is final:
    a customer's new mail starts a follow-up). Logged in the history and as an event; an
    unanswered customer message starts the reply clock again."""
    when = _now(at)
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        if ticket.merged_into_id is not None:
            raise InvalidAction(gettext("Ticket #%(n)s was merged into #%(into)s; reopen that one.")
                                % {"n": ticket.pk, "into": ticket.merged_into_id})
        if ticket.status not in (Status.SOLVED, Status.CLOSED):
            raise InvalidAction(gettext("Only a solved or closed ticket can be reopened."))
        previous = ticket.status
        _record_status(ticket, Status.OPEN, at=when, by_user=by_user, reason=reason.strip() or "reopened")
        ticket.status = Status.OPEN
        ticket.solved_at = ticket.closed_at = None
        ticket.resolution_business_seconds = None
        ticket.waiting_customer_business_seconds = ticket.waiting_release_business_seconds = None
        fields = ["status", "solved_at", "closed_at", "resolution_business_seconds",
                  "waiting_customer_business_seconds", "waiting_release_business_seconds"]
        last_in, last_out = ticket.last_customer_message_at, ticket.last_agent_message_at
        if last_in is not None and (last_out is None or last_out < last_in):
            fields += _start_reply_clock(ticket, when)
        ticket.save(update_fields=sorted(set(fields)) + ["updated_at"])
        ticket_add_event(ticket=ticket, event="reopened", by_user=by_user, at=when,
                         data={"from": previous, "reason": reason.strip()[:200]})
    return ticket


def ticket_status_history(ticket: Ticket) -> list[tuple[datetime, str]]:
    return list(StatusChange.objects.filter(ticket=ticket).order_by("at", "id").values_list("at", "to_status"))


def ticket_resolution_now(ticket: Ticket, now: datetime | None = None) -> float:
    """The resolution figure as of ``now`` (net of pauses), from the history."""
    end = ticket.solved_at or ticket.closed_at or _now(now)
    return clocks.ticket_resolution_seconds(ticket_status_history(ticket), end)


def ticket_add_event(*, ticket: Ticket, event: str, by_user: User | None = None,
                     data: dict | None = None, text: str = "", at: datetime | None = None) -> Message:
    """A system event in the conversation (acknowledgment sent, bounced, assigned, ...). On a
    ticket held in an optimistic transaction it is written later in that transaction, with the
    next message or when the hold ends (``_holding``): until then it has no primary key."""
    message = _event(ticket, event=event, by_user=by_user, data=data, text=text, at=_now(at))
    collected: list[Message] | None = getattr(ticket, "_sd_events", None)
    if collected is not None:
        collected.append(message)
        return message
    with transaction.atomic(savepoint=False):
        _write_messages(ticket, [message])
    return message


def _event(ticket: Ticket, *, event: str, by_user: User | None, data: dict | None, text: str,
           at: datetime) -> Message:
    return Message(ticket=ticket, kind=Message.Kind.EVENT, author_user=by_user, event=event[:40],
                   event_data=data or {}, body_text=text, created_at=at)


def _stale_question(ticket: Ticket, changes: list[Message]) -> str:
    return gettext("Ticket #%(n)s changed after you opened it (entries by others since then: %(count)s). "
                   "Look at what changed; go on only if your action still fits.") % {
        "n": ticket.pk, "count": len(changes)}


def ticket_check_fresh(*, ticket: Ticket, seen: int | None, by_user: User | None,
                       confirmed: bool = False) -> Ticket:
    """Refuse a submit from a page that did not show someone else's reply, note, call, status
    change or assignment (``seen``: the newest conversation entry the page showed) unless
    ``confirmed``. Locks the row, so of two agents submitting at once the second is asked.
    ``seen`` None (a caller without a page: intake, jobs) skips the check."""
    with transaction.atomic(savepoint=False):
        ticket = _locked(ticket)
        if seen is not None and not confirmed:
            changes = ticket_changes_since(ticket=ticket, seen=seen, user=by_user)
            if changes:
                raise StaleSubmit(_stale_question(ticket, changes), changes=changes)
    return ticket


def ticket_assign(*, ticket: Ticket, assignee: User | None, by_user: User | None) -> Ticket:
    """Assign to an agent who can see the ticket (a member of its team, or a supervisor)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        if assignee is not None and not may_see_team(assignee, ticket.team_id):
            raise InvalidAction(gettext("%(user)s is not in the team “%(team)s” and cannot see this ticket.") % {
                "user": assignee.get_full_name() or assignee.get_username(), "team": ticket.team})
        ticket.assignee = assignee  # type: ignore[assignment]
        ticket.save(update_fields=["assignee", "updated_at"])
        ticket_add_event(ticket=ticket, event="assigned", by_user=by_user,
                         data={"assignee": assignee.get_username() if assignee else None})
    return ticket


def ticket_mark_unreachable(*, ticket: Ticket, reason: str) -> Ticket:
    """A bounce or a permanent SMTP failure: the customer must be called."""
    with transaction.atomic():
        ticket = _locked(ticket)
        ticket.unreachable_by_email = True
        ticket.unreachable_reason = reason[:300]
        ticket.save(update_fields=["unreachable_by_email", "unreachable_reason", "updated_at"])
        ticket_add_event(ticket=ticket, event="bounced", data={"reason": reason[:300]})
    return ticket
