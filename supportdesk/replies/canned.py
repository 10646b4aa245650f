"""Canned answers: who sees and manages which, the picker's search, and filling one in for a
ticket. Shared answers are managed by supervisors; every agent manages their personal ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from supportdesk.accounts.roles import is_agent, is_supervisor
from supportdesk.catalog.models import Product
from supportdesk.policy import get_policy
from supportdesk.replies.models import CannedResponse
from supportdesk.replies.placeholders import Filled, display_name, fill, unknown_placeholders
from supportdesk.replies.rendering import mail_language
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.services import InvalidAction

PICKER_LIMIT = 30
EDITABLE_FIELDS = ("title", "body", "body_en", "set_status", "assign", "assignee", "set_product")


class UnknownPlaceholder(InvalidAction):
    """A canned answer saved before the check (or in a template) names a placeholder we do not know."""


@dataclass(frozen=True)
class RenderedCanned:
    canned: CannedResponse
    text: str
    language: str
    # The answer had no version in the ticket's language: the other one is used.
    other_language: bool
    missing: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def missing_text(self) -> str:
        return braced(self.missing)

    @property
    def unknown_text(self) -> str:
        return braced(self.unknown)


def braced(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)


def canned_visible(*, user: User) -> QuerySet[CannedResponse]:
    """The shared answers and the user's own personal ones; nothing for a non-agent."""
    if not is_agent(user):
        return CannedResponse.objects.none()
    return (CannedResponse.objects.filter(Q(owner__isnull=True) | Q(owner=user))
            .select_related("owner", "assignee", "set_product"))


def canned_can_edit(*, user: User, canned: CannedResponse) -> bool:
    if canned.owner_id is None:
        return is_supervisor(user)
    return canned.owner_id == user.pk and is_agent(user)


def canned_search(*, user: User, q: str, limit: int = PICKER_LIMIT) -> list[CannedResponse]:
    """The picker's list: every word of ``q`` in the title or a text, titles matching first.
    Filtered in Python: a team has hundreds of answers at most, and SQLite's LIKE folds the
    case of ASCII letters only (Cyrillic "Драйвер" would not find "драйвер")."""
    words = q.casefold().split()
    found: list[tuple[int, str, CannedResponse]] = []
    for canned in canned_visible(user=user):
        title = canned.title.casefold()
        everything = " ".join((title, canned.body.casefold(), canned.body_en.casefold()))
        if all(w in everything for w in words):
            rank = 0 if all(w in title for w in words) else 1
            found.append((rank, title, canned))
    found.sort(key=lambda row: (row[0], row[1], row[2].pk))
    return [row[2] for row in found[:limit]]


def placeholder_values(*, ticket: Ticket, author: User | None, product: Product | None = None) -> dict[str, str]:
    """The values for ``ticket``; ``product`` stands in for the ticket's (a macro that sets it)."""
    product = product or ticket.product
    release = product.current_release() if product else None
    link = (release.download_url if release else "") or (product.download_url if product else "")
    return {
        "customer_name": ticket.customer.name,
        "ticket_number": str(ticket.pk),
        "product": product.name if product else "",
        "version": ticket.reported_version,
        "current_release": release.version if release else "",
        "download_link": link,
        "agent_name": display_name(author),
        "support_phone": get_policy().main_phone.number,
    }


def canned_render(*, canned: CannedResponse, ticket: Ticket, author: User | None,
                  values: dict[str, str] | None = None) -> RenderedCanned:
    """The answer in the ticket's language with its placeholders filled for ``ticket``."""
    language = mail_language(ticket.language)
    source = canned.text_for(language)
    other = bool(source) and source != (canned.body_en if language == "en" else canned.body)
    if canned.set_product_id is not None and canned.set_product_id != ticket.product_id:
        values = placeholder_values(ticket=ticket, author=author, product=canned.set_product)
    elif values is None:
        values = placeholder_values(ticket=ticket, author=author)
    filled: Filled = fill(source, values)
    return RenderedCanned(canned=canned, text=filled.text, language=language, other_language=other,
                          missing=filled.missing, unknown=tuple(unknown_placeholders(source)))


def _check(user: User, canned: CannedResponse) -> None:
    if not canned_can_edit(user=user, canned=canned):
        raise PermissionDenied("not yours to manage")


def canned_save(*, user: User, canned: CannedResponse | None, data: dict[str, Any], shared: bool) -> CannedResponse:
    """Create (``canned`` None) or update an answer. ``shared`` (supervisors only) makes a new
    one the team's; a personal one belongs to ``user``. Validates placeholders and actions
    (``ValidationError`` naming the field) before anything is written."""
    if canned is None:
        if shared and not is_supervisor(user):
            raise PermissionDenied("only supervisors manage shared answers")
        canned = CannedResponse(owner=None if shared else user)
    _check(user, canned)
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            setattr(canned, field, value.replace("\r\n", "\n") if isinstance(value, str) else value)
    if canned.assign != CannedResponse.Assign.USER:
        canned.assignee = None
    canned.full_clean()
    with transaction.atomic():
        canned.save()
    return canned


def canned_delete(*, user: User, canned: CannedResponse) -> None:
    _check(user, canned)
    canned.delete()
