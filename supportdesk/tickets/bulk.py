"""Bulk actions on the queue: one service call per ticket, each in its own transaction, so a
row the lifecycle (or the agent's permissions) refuses is reported with its reason and the
others are done."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.tickets import selectors, services, services_merge, services_tags
from supportdesk.tickets.lifecycle import IllegalTransition
from supportdesk.tickets.models import Status, Ticket
from supportdesk.tickets.services import ConfirmationRequired

ACTIONS = ("assign", "status", "priority", "tag", "untag", "merge")
# Statuses an agent sets by hand (as on the ticket page); waiting ones need a question or a release.
BULK_STATUSES = (Status.OPEN, Status.SOLVED, Status.CLOSED)
MAX_ROWS = 500


@dataclass
class BulkOutcome:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def refusal_text(exc: Exception) -> str:
    """Why a service refused, in the agent's language."""
    if isinstance(exc, IllegalTransition):
        return gettext("A ticket cannot go from “%(from)s” to “%(to)s”.") % {
            "from": Status(exc.from_status).label, "to": Status(exc.to_status).label
            if exc.to_status in Status.values else exc.to_status}
    if isinstance(exc, Ticket.DoesNotExist):
        return gettext("There is no such ticket.")
    return str(exc)


def _each(user: User, pks: Sequence[int], apply: Callable[[Ticket], object]) -> BulkOutcome:
    outcome = BulkOutcome()
    for pk in dict.fromkeys(pks):
        try:
            # The per-row permission check: a ticket the agent may not see is "no such ticket".
            ticket = selectors.ticket_for_agent(user=user, pk=pk)
            with transaction.atomic():
                apply(ticket)
        except (ValueError, Ticket.DoesNotExist) as exc:  # InvalidAction, IllegalTransition, BadTag, ...
            outcome.refused.append((pk, refusal_text(exc)))
        else:
            outcome.done.append(pk)
    return outcome


def _audit(user: User, action: str, outcome: BulkOutcome, **details: object) -> None:
    audit_record(actor=user, action=AuditEntry.Action.BULK_ACTION, target=f"tickets: {action}",
                 details={"action": action, "done": outcome.done,
                          "refused": [pk for pk, _ in outcome.refused], **details})


def tickets_bulk_assign(*, user: User, pks: Sequence[int], assignee: User | None) -> BulkOutcome:
    outcome = _each(user, pks, lambda t: services.ticket_assign(ticket=t, assignee=assignee, by_user=user))
    _audit(user, "assign", outcome, assignee=assignee.get_username() if assignee else None)
    return outcome


def tickets_bulk_status(*, user: User, pks: Sequence[int], status: str, reason: str = "",
                        confirmed: bool = False) -> BulkOutcome:
    """``confirmed`` with a ``reason`` lets unanswered tickets end too (the single-ticket rule);
    without them such rows are refused with the question the ticket page would ask."""
    def apply(ticket: Ticket) -> None:
        try:
            services.ticket_set_status(ticket=ticket, status=status, by_user=user, reason=reason,
                                       confirmed=confirmed)
        except ConfirmationRequired as exc:
            raise ValueError(exc.question) from exc

    outcome = _each(user, pks, apply)
    _audit(user, "status", outcome, status=status)
    return outcome


def tickets_bulk_priority(*, user: User, pks: Sequence[int], priority: str) -> BulkOutcome:
    """A new priority; each running reply clock gets the due times of its new SLA policy."""
    outcome = _each(user, pks, lambda t: services.ticket_set_priority(ticket=t, priority=priority, by_user=user))
    _audit(user, "priority", outcome, priority=priority)
    return outcome


def tickets_bulk_tag(*, user: User, pks: Sequence[int], add: Sequence[str] = (),
                     remove: Sequence[str] = ()) -> BulkOutcome:
    outcome = _each(user, pks, lambda t: services_tags.ticket_tag(ticket=t, add=add, remove=remove, by_user=user))
    _audit(user, "untag" if remove else "tag", outcome, tags=list(add or remove))
    return outcome


def tickets_bulk_merge(*, user: User, pks: Sequence[int], target_pk: int | None = None) -> BulkOutcome:
    """Merge the selected tickets into one: ``target_pk``, or the oldest selected (the lowest
    number). The target itself is reported as done; every other row is merged or refused."""
    pks = list(dict.fromkeys(pks))
    target_pk = target_pk or min(pks, default=0)
    try:
        target = selectors.ticket_for_agent(user=user, pk=target_pk)
    except Ticket.DoesNotExist:
        outcome = BulkOutcome(refused=[(pk, gettext("There is no ticket #%(n)s to merge into.") % {"n": target_pk})
                                       for pk in pks])
    else:
        outcome = _each(user, [pk for pk in pks if pk != target.pk], lambda t: services_merge.ticket_merge(
            source=t, target=target, by_user=user, confirmed=True))
        if outcome.done or target.pk in pks:
            outcome.done.insert(0, target.pk)
    _audit(user, "merge", outcome, target=target_pk)
    return outcome
