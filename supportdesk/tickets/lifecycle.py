"""The ticket lifecycle of SPEC §3 as a table, and the one function that checks it."""

from __future__ import annotations

from supportdesk.tickets.models import Status

# from-status -> statuses it may move to. A closed ticket is final: a customer
# message on it starts a new ticket that references the old one.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_RELEASE, Status.SOLVED,
                           Status.CLOSED}),
    Status.OPEN: frozenset({Status.WAITING_CUSTOMER, Status.WAITING_RELEASE, Status.SOLVED, Status.CLOSED}),
    Status.WAITING_CUSTOMER: frozenset({Status.OPEN, Status.WAITING_RELEASE, Status.SOLVED, Status.CLOSED}),
    Status.WAITING_RELEASE: frozenset({Status.OPEN, Status.WAITING_CUSTOMER, Status.SOLVED, Status.CLOSED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class IllegalTransition(ValueError):
    def __init__(self, from_status: str, to_status: str) -> None:
        allowed = ", ".join(sorted(TRANSITIONS.get(from_status, ()))) or "none: the ticket is final"
        super().__init__(
            f"a ticket cannot go from '{from_status}' to '{to_status}' (allowed from '{from_status}': {allowed})"
        )
        self.from_status = from_status
        self.to_status = to_status


def check_transition(from_status: str, to_status: str) -> None:
    if to_status not in Status.values:
        raise IllegalTransition(from_status, to_status)
    if to_status not in TRANSITIONS[from_status]:
        raise IllegalTransition(from_status, to_status)
