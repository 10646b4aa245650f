"""The request checklist (rule 5: the four items a request must contain) and the product
and version a ticket is about: set by an agent, or filled by the automatic check of a
customer message, which never overrides an agent's decision.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.catalog.models import Product
from supportdesk.tickets.models import CHECKLIST_ITEMS, Ticket
from supportdesk.tickets.services import (
    InvalidAction,
    _locked,
    _require_scope,
    _route_by_rules,
    save_ticket,
    ticket_add_event,
)


def ticket_set_product(*, ticket: Ticket, product: Product | None, version: str,
                       by_user: User | None) -> Ticket:
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        ticket.product = product
        ticket.reported_version = version.strip()[:40]
        if ticket.reported_version:
            _set_item(ticket, "version", True, source="agent" if by_user else "auto",
                      evidence=ticket.reported_version)
        ticket.save(update_fields=["product", "reported_version", "checklist", "checklist_complete", "updated_at"])
        ticket_add_event(ticket=ticket, event="product", by_user=by_user,
                         data={"product": product.name if product else None, "version": ticket.reported_version})
    return ticket


def _set_item(ticket: Ticket, item: str, present: bool, *, source: str, evidence: str = "") -> None:
    if item not in CHECKLIST_ITEMS:
        raise InvalidAction(f"unknown checklist item {item!r}")
    checklist = dict(ticket.checklist or {})
    checklist[item] = {"present": bool(present), "source": source, "evidence": evidence[:200]}
    ticket.checklist = checklist
    ticket.checklist_complete = all(checklist.get(k, {}).get("present") for k in CHECKLIST_ITEMS)


def _set_items(ticket: Ticket, items: dict[str, tuple[bool, str]], *, source: str) -> None:
    """An automatic evaluation never overrides an agent's decision; it only fills items that
    the agent has not set and upgrades missing ones to present."""
    current = ticket.checklist or {}
    for item, (present, evidence) in items.items():
        previous = current.get(item)
        if source == "auto" and previous and (previous.get("source") == "agent" or previous.get("present")):
            continue
        _set_item(ticket, item, present, source=source, evidence=evidence)


def ticket_set_checklist(*, ticket: Ticket, items: dict[str, tuple[bool, str]], source: str,
                         by_user: User | None = None) -> Ticket:
    """Set checklist items: ``{"steps": (True, "evidence")}`` (see ``_set_items`` for "auto")."""
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        _set_items(ticket, items, source=source)
        ticket.save(update_fields=["checklist", "checklist_complete", "updated_at"])
        if by_user is not None:
            ticket_add_event(ticket=ticket, event="checklist", by_user=by_user,
                             data={k: v[0] for k, v in items.items()})
    return ticket


def ticket_apply_auto_check(*, ticket: Ticket, items: dict[str, tuple[bool, str]],
                            product: Product | None, version: str) -> Ticket:
    """The automatic completeness check of a customer message, in one locked write.

    Checklist items as ``_set_items(source="auto")`` sets them; then, unless an agent set the version,
    the product and version detected fill what nobody has set yet, with a "product" event.
    """
    with transaction.atomic(savepoint=False):  # its caller's savepoint catches what fails here
        ticket = _locked(ticket)
        before = (ticket.checklist, ticket.checklist_complete)
        _set_items(ticket, items, source="auto")
        fields = ["checklist", "checklist_complete", "updated_at"]
        changed = False
        if (ticket.checklist or {}).get("version", {}).get("source") != "agent":
            if ticket.product_id is None and product is not None:
                ticket.product = product
                changed = True
            version = version.strip()[:40]
            if not ticket.reported_version and version:
                ticket.reported_version = version
                _set_item(ticket, "version", True, source="auto", evidence=version)
                changed = True
        if changed:
            fields += ["product", "reported_version"]
        if changed or (ticket.checklist, ticket.checklist_complete) != before:
            save_ticket(ticket, fields)  # a reply that adds nothing new writes nothing
        if changed:
            ticket_add_event(ticket=ticket, event="product", data={
                "product": ticket.product.name if ticket.product else None, "version": ticket.reported_version})
            if _route_by_rules(ticket):  # the product (and brand) just became known
                save_ticket(ticket, ["team"])
    return ticket

