"""Intake's priority rules (pure): words of the request and the company's contract tier.

A rule only ever raises a priority; an agent's choice is changed only by an agent.
"""

from __future__ import annotations

import re
from functools import lru_cache

from supportdesk.customers.models import Customer
from supportdesk.policy.loader import normalize_words
from supportdesk.policy.model import PriorityRules
from supportdesk.tickets.models import PRIORITY_RANK


def higher(a: str, b: str) -> str:
    """The higher of two priorities."""
    return a if PRIORITY_RANK.get(a, 0) >= PRIORITY_RANK.get(b, 0) else b


@lru_cache(maxsize=256)
def _pattern(word: str) -> re.Pattern[str]:
    # At the start of a word, open at the end: "эфир" finds "эфира", "эфире".
    return re.compile(r"(?<!\w)" + re.escape(word))


def priority_from_words(rules: PriorityRules, text: str) -> str | None:
    """The highest priority one of whose words the text contains, or None."""
    normalized = normalize_words(text)
    found: str | None = None
    for group in rules.words:
        if any(_pattern(word).search(normalized) for word in group.words):
            found = group.priority if found is None else higher(found, group.priority)
    return found


def contract_tier(customer: Customer | None) -> str:
    """The contract tier slug of the customer's company, "" without a company or a tier."""
    company = getattr(customer, "company", None) if customer is not None else None
    return str(getattr(company, "contract_tier", "") or "")


def initial_priority(rules: PriorityRules, *, tier: str) -> str:
    """A new ticket's priority before its text is read: the default, raised by the tier."""
    floor = rules.tiers.get(tier) if tier else None
    return higher(rules.default, floor) if floor else rules.default
