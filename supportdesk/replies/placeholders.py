"""Placeholders of canned answers and signatures: ``{customer_name}`` and the like (pure).

The names are a closed list: text saved with a name outside it is refused at save time
(naming it), and a known name the ticket has no value for is left in the text, where the
agent sees it and the send refuses it, so a placeholder never reaches a customer raw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# name -> what it becomes (shown to the people who write the answers).
PLACEHOLDERS: dict[str, object] = {
    "customer_name": _("the customer's name"),
    "ticket_number": _("the ticket number"),
    "product": _("the ticket's product"),
    "version": _("the version the customer reported"),
    "current_release": _("the current release of the ticket's product"),
    "download_link": _("the download link of that release"),
    "agent_name": _("the name of the agent who sends the mail"),
    "support_phone": _("the support phone number"),
}
# A word in braces: JSON, code and prose with braces in them are not placeholders.
_NAME = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


@dataclass(frozen=True)
class Filled:
    text: str
    # Known placeholders the ticket has no value for; they stay in ``text`` as written.
    missing: tuple[str, ...]


def placeholder_names(text: str) -> list[str]:
    """The names in braces, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in _NAME.finditer(text):
        seen.setdefault(m.group(1), None)
    return list(seen)


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholder_names(text) if name not in PLACEHOLDERS]


def unfilled_placeholders(text: str) -> list[str]:
    """Known placeholders still in a text that is about to be sent."""
    return [name for name in placeholder_names(text) if name in PLACEHOLDERS]


def fill(text: str, values: Mapping[str, str]) -> Filled:
    """``text`` with every known placeholder that has a non-empty value replaced."""
    missing: dict[str, None] = {}

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in PLACEHOLDERS:
            return m.group(0)
        value = values.get(name, "")
        if not value:
            missing.setdefault(name, None)
            return "{" + name + "}"
        return value

    return Filled(text=_NAME.sub(one, text), missing=tuple(missing))


def display_name(user: object | None) -> str:
    """An agent's full name, else their user name; "" for nobody."""
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "get_username", lambda: "")())
