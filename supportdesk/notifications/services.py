"""Who hears about a ticket's news, in the bell and by e-mail; following tickets; settings.

``notify_message`` runs inside the transaction that added the conversation entry (the
``tickets.signals.message_added`` receiver): the notifications and their outbox mail commit or
roll back with it, and the mail is sent after the commit. Nobody is told about their own act,
nor about a ticket they may not see (``tickets.selectors.visible_ticket_ids``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from supportdesk.notifications.mail import enqueue_notification_mail
from supportdesk.notifications.mentions import mentioned_usernames
from supportdesk.notifications.models import Notification, NotificationSettings, TicketFollower
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.presenters import excerpt, split_quoted
from supportdesk.tickets.selectors import visible_ticket_ids
from supportdesk.tickets.services import opened_in_this_block, ticket_followed

Kind = Notification.Kind
# Events whose news followers get; the SLA marks and the assignment reach the assignee too.
FOLLOWED_EVENTS = ("status", "reopened", "assigned", "merged_from", "sla_warning", "sla_breach")
SLA_EVENTS = {"sla_warning": Kind.SLA_WARNING, "sla_breach": Kind.SLA_BREACH}


def settings_for(user: User) -> NotificationSettings:
    """The agent's settings (the defaults until they save the page)."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def settings_save(*, user: User, **flags: bool) -> NotificationSettings:
    current = settings_for(user)
    for name, value in flags.items():
        if not name.startswith("email_") or not hasattr(current, name):
            raise ValueError(f"unknown setting {name!r}")
        setattr(current, name, bool(value))
    current.save()
    return current


def ticket_follow(*, ticket: Ticket, user: User, follow: bool = True) -> TicketFollower:
    """The follow / unfollow button: an explicit choice, kept until the agent changes it."""
    ticket_followed(ticket)
    row, created = TicketFollower.objects.get_or_create(
        ticket=ticket, user=user, defaults={"active": follow, "created_at": timezone.now()})
    if not created and row.active != follow:
        row.active = follow
        row.save(update_fields=["active"])
    return row


def follow_automatically(*, ticket: Ticket, user: User) -> None:
    """The assignee and everyone who writes on a ticket follow it, unless they unfollowed it."""
    ticket_followed(ticket)
    if TicketFollower.objects.filter(ticket=ticket, user=user).exists():
        return
    try:
        with transaction.atomic():
            TicketFollower.objects.create(ticket=ticket, user=user, active=True, created_at=timezone.now())
    except IntegrityError:  # followed meanwhile by another request
        pass


def follower_ids(ticket: Ticket) -> set[int]:
    if opened_in_this_block(ticket):  # the intake's new ticket: no query for the followers it cannot have
        return set()
    return set(TicketFollower.objects.filter(ticket=ticket, active=True).values_list("user_id", flat=True))


def _mentioned_ids(text: str) -> set[int]:
    names = mentioned_usernames(text)
    if not names:
        return set()
    users = get_user_model().objects.annotate(name=Lower("username")).filter(name__in=names, is_active=True)
    return set(users.values_list("pk", flat=True))


@dataclass(frozen=True)
class Plan:
    direct: Mapping[int, str]  # user id -> kind, before followers are added
    to_followers: bool
    writer: int | None  # the agent who wrote the entry: follows the ticket from now on


def plan_for(ticket: Ticket, message: Message) -> Plan | None:
    """Who the entry concerns directly, and whether followers hear of it; None for entries that
    notify nobody (automatic mail, robots, bookkeeping events)."""
    kind = message.kind
    if message.is_automatic or message.is_robot:
        return None
    assignee = ticket.assignee_id
    if kind == Message.Kind.INCOMING:
        return Plan({assignee: Kind.CUSTOMER_REPLY} if assignee else {}, True, None)
    if kind in (Message.Kind.OUTGOING, Message.Kind.CALL):
        return Plan({}, True, message.author_user_id)
    if kind == Message.Kind.NOTE:
        direct = {pk: Kind.MENTION for pk in _mentioned_ids(message.body_text)}
        return Plan(direct, True, message.author_user_id)
    if kind == Message.Kind.EVENT and message.event in FOLLOWED_EVENTS:
        if message.event == "assigned":
            return Plan({assignee: Kind.ASSIGNED} if assignee else {}, True, None)
        if message.event in SLA_EVENTS:
            return Plan({assignee: SLA_EVENTS[message.event]} if assignee else {}, True, None)
        return Plan({}, True, None)
    return None


def _recipients(plan: Plan, ticket: Ticket, actor_id: int | None) -> dict[int, str]:
    """User id -> kind: one notification per person and entry, the direct reason (mention,
    assignment, my ticket) over "a ticket I follow"; never the actor."""
    chosen: dict[int, str] = dict.fromkeys(follower_ids(ticket), Kind.FOLLOWED) if plan.to_followers else {}
    chosen.update(plan.direct)
    if actor_id is not None:
        chosen.pop(actor_id, None)
    return chosen


def _excerpt(message: Message) -> str:
    if message.kind == Message.Kind.EVENT:
        return ""
    main_text, _quoted = split_quoted(message.body_text, message.quoted_start)
    return excerpt(main_text, 300)


def _already_mailed(message: Message) -> set[str]:
    """Addresses the SLA watcher's own notice went to: its mail is their e-mail notification."""
    notified = (message.event_data or {}).get("notified") if message.kind == Message.Kind.EVENT else None
    return {str(a).strip().lower() for a in notified or []}


def notify_message(*, ticket: Ticket, message: Message) -> list[Notification]:
    """The notifications (and their mail) for one new conversation entry; the writer follows."""
    plan = plan_for(ticket, message)
    if plan is None:
        return []
    actor_id = message.author_user_id
    if plan.writer is not None:
        follow_automatically(ticket=ticket, user=message.author_user)  # type: ignore[arg-type]
    if message.kind == Message.Kind.EVENT and message.event == "assigned" and ticket.assignee_id:
        follow_automatically(ticket=ticket, user=ticket.assignee)  # type: ignore[arg-type]
    chosen = _recipients(plan, ticket, actor_id)
    if not chosen:
        return []
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(chosen), is_active=True)}
    users = {pk: u for pk, u in users.items() if ticket.pk in visible_ticket_ids(user=u, ids=[ticket.pk])}
    if not users:
        return []
    preferences = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=list(users))}
    mailed = _already_mailed(message)
    now = timezone.now()
    created = []
    for pk, user in sorted(users.items()):
        notification = Notification.objects.create(
            recipient=user, ticket=ticket, message=message, kind=chosen[pk], actor_id=actor_id,
            excerpt=_excerpt(message), created_at=now)
        wants = (preferences.get(pk) or NotificationSettings(user=user)).wants_email(notification.kind)
        if wants and user.email and user.email.strip().lower() not in mailed:
            enqueue_notification_mail(notification, user)
            notification.emailed = True
            notification.save(update_fields=["emailed"])
        created.append(notification)
    return created


def notification_mark_read(*, user: User, ids: Iterable[int]) -> int:
    """Mark the user's own notifications read (someone else's ids are ignored)."""
    return Notification.objects.filter(recipient=user, pk__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now())


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
