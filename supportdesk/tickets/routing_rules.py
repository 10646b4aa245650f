"""Which team a new ticket goes to: the supervisors' routing rules, tried in order (pure but
for reading the rules, kept per process until one changes: ``lib.configcache``)."""

from __future__ import annotations

from email.utils import getaddresses

from supportdesk.accounts.models import TeamRule
from supportdesk.accounts.services import normalize_rule_value
from supportdesk.lib import configcache
from supportdesk.tickets.models import Ticket


def ticket_facts(ticket: Ticket, to_addrs: str = "") -> dict[str, set[str]]:
    """The values of a ticket the rules can match, by rule kind."""
    company = getattr(ticket.customer, "company", None) if ticket.customer_id else None
    company_name = str(getattr(company, "name", "") or "")
    product = ticket.product if ticket.product_id else None
    return {
        TeamRule.Kind.MAILBOX: {a.strip().lower() for _name, a in getaddresses([to_addrs]) if "@" in a},
        TeamRule.Kind.COMPANY: {normalize_rule_value("company", company_name)} if company_name else set(),
        TeamRule.Kind.PRODUCT: {product.key} if product else set(),
        TeamRule.Kind.BRAND: {product.brand.key} if product else set(),
    }


def _rules() -> tuple[tuple[int, str, str], ...]:
    return tuple(TeamRule.objects.order_by("position", "id").values_list("team_id", "kind", "value"))


def first_matching_team(facts: dict[str, set[str]]) -> int | None:
    """The team id of the first rule (by position) that one of the facts matches."""
    if not any(facts.values()):
        return None
    for team_id, kind, value in configcache.cached("accounts.team_rules", _rules):
        if value in facts.get(kind, ()):
            return int(team_id)
    return None
