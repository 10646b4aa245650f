"""The dimensions a report can be broken down and filtered by: one entry per dimension.

A dimension names the ticket field it reads (``ticket_field``, a path from ``Ticket``); the
reports read it from other rows through their ticket (``ticket__<field>``), except where a row
has a field of its own for it (the agent of a reply figure is who answered, not the assignee).
Week and month are time dimensions: they bucket each row's own date in office time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Team
from supportdesk.accounts.roles import AGENTS, SUPERVISORS
from supportdesk.catalog.models import Brand, Product
from supportdesk.customers.models import Company
from supportdesk.tickets.models import Channel, Priority

# The bases a report reads rows from: how each reaches its ticket.
TICKET, FIGURE, MESSAGE, CHANGE = "ticket", "figure", "message", "change"
_TO_TICKET = {TICKET: "", FIGURE: "ticket__", MESSAGE: "ticket__", CHANGE: "ticket__"}

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _products() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Product.objects.order_by("name").values_list("pk", "name")]


def _brands() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Brand.objects.order_by("name").values_list("pk", "name")]


def _agents() -> list[tuple[str, str]]:
    users = (get_user_model().objects.filter(Q(groups__name__in=(AGENTS, SUPERVISORS)) | Q(is_superuser=True))
             .distinct().order_by("username"))
    return [(str(u.pk), u.get_full_name() or u.get_username()) for u in users]


def _teams() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Team.objects.order_by("name").values_list("pk", "name")]


def _channels() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Channel.choices]


def _priorities() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Priority.choices]


def _tiers() -> list[tuple[str, str]]:
    tiers = Company.objects.exclude(contract_tier="").order_by("contract_tier").values_list("contract_tier", flat=True)
    return [(tier, tier) for tier in dict.fromkeys(tiers)]


@dataclass(frozen=True)
class Dimension:
    key: str
    label: _StrPromise
    ticket_field: str = ""  # empty for a time dimension
    choices: Callable[[], list[tuple[str, str]]] | None = None
    # A base whose rows carry the dimension themselves: base -> path.
    own_paths: dict[str, str] = field(default_factory=dict)
    bucket: Callable[[date], date] | None = None  # time dimensions: the bucket's first day
    bucket_label: Callable[[date], str] | None = None

    @property
    def is_time(self) -> bool:
        return self.bucket is not None

    def path(self, base: str) -> str:
        return self.own_paths.get(base) or _TO_TICKET[base] + self.ticket_field

    def labels(self) -> dict[str, str]:
        return dict(self.choices()) if self.choices else {}


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(day: date) -> date:
    return day.replace(day=1)


def _week_label(start: date) -> str:
    return f"{dateformat.format(start, 'd.m.Y')}–{dateformat.format(start + timedelta(days=6), 'd.m.Y')}"


def _month_label(start: date) -> str:
    return dateformat.format(start, "F Y")  # nominative month name in the active language


# A ticket's contract tier is the one its SLA was chosen by (``Ticket.sla_tier``, copied from the
# company when the ticket was opened), so a later tier change does not rewrite past figures.
DIMENSIONS: dict[str, Dimension] = {d.key: d for d in (
    Dimension("week", _("week"), bucket=_week, bucket_label=_week_label),
    Dimension("month", _("month"), bucket=_month, bucket_label=_month_label),
    Dimension("product", _("product"), "product_id", _products),
    Dimension("brand", _("brand"), "product__brand_id", _brands),
    Dimension("team", _("team"), "team_id", _teams),  # the team working the ticket now
    Dimension("agent", _("agent"), "assignee_id", _agents,
              own_paths={FIGURE: "agent_id"}),
    Dimension("channel", _("channel"), "channel", _channels),
    Dimension("priority", _("priority"), "priority", _priorities),
    Dimension("tier", _("contract tier"), "sla_tier", _tiers),
)}
FILTERS = tuple(k for k, d in DIMENSIONS.items() if not d.is_time)


class Grouper:
    """Turns a row's dimension value (or its date, for a time dimension) into a group key and label."""

    def __init__(self, dimension: Dimension, zone: Any) -> None:
        self.dimension = dimension
        self.zone = zone
        self._labels = {} if dimension.is_time else dimension.labels()

    def key(self, value: Any, moment: datetime) -> Any:
        if self.dimension.bucket is not None:
            return self.dimension.bucket(moment.astimezone(self.zone).date())
        return value

    def label(self, key: Any) -> str:
        if key is None or key == "":
            return "—"
        if self.dimension.bucket_label is not None:
            return self.dimension.bucket_label(key)
        return self._labels.get(str(key), str(key))

    def sort_key(self, key: Any) -> tuple[int, str]:
        if key is None or key == "":
            return (1, "")
        if self.dimension.is_time:
            return (0, key.isoformat())
        return (0, self.label(key).lower())
