"""What a report is asked for (range, breakdown, filters: all in the URL) and who may see what.

An agent sees only their own figures: ``ReportQuery.for_user`` pins the agent filter to them,
whatever the URL says, and every report reads its rows through ``scoped``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.roles import is_agent, is_supervisor
from supportdesk.policy import get_policy
from supportdesk.reports.dimensions import DIMENSIONS, FILTERS

MAX_DAYS = 732  # two years: a longer range is refused, not computed


@dataclass(frozen=True)
class ReportQuery:
    start: date  # first day, office time
    end: date  # last day (inclusive)
    group: str = "week"
    filters: dict[str, str] = field(default_factory=dict)  # dimension key -> value
    own_only: bool = False  # an agent: the agent filter is theirs and cannot be changed

    @property
    def zone(self) -> Any:
        return get_policy().office.zone

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=self.zone)

    def params(self, **changes: str) -> str:
        """The query string of this report (for links: exports, other reports, the print view)."""
        values = {"from": self.start.isoformat(), "to": self.end.isoformat(), "group": self.group,
                  **{k: v for k, v in self.filters.items() if not (self.own_only and k == "agent")}, **changes}
        return urlencode({k: v for k, v in values.items() if v})

    def with_group(self, group: str) -> ReportQuery:
        return replace(self, group=group)


def month_range(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


class ReportForm(forms.Form):
    """The range and filters from the query string; errors name the field and say why."""

    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    group = forms.ChoiceField(label=_("Break down by"), required=False,
                              choices=[(k, d.label) for k, d in DIMENSIONS.items()])

    def __init__(self, data: Any, *, own_only: bool) -> None:
        data = data.copy()
        for src, dst in (("from", "start"), ("to", "end")):
            if src in data:
                data[dst] = data[src]
        super().__init__(data)
        for key in FILTERS:
            if own_only and key == "agent":
                continue
            dimension = DIMENSIONS[key]
            assert dimension.choices is not None
            choices: list[tuple[str, Any]] = [("", _("all")), *dimension.choices()]
            self.fields[key] = forms.ChoiceField(label=dimension.label, required=False, choices=choices)
        if own_only:
            group = self.fields["group"]
            assert isinstance(group, forms.ChoiceField)
            group.choices = [(k, d.label) for k, d in DIMENSIONS.items() if k != "agent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the range is before its start."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("end", _("A report covers at most two years."))
        return data


def _require_agent(user: User | AnonymousUser) -> None:
    if not is_agent(user):
        raise PermissionDenied("agents only")


def query_from_params(params: Any, user: User | AnonymousUser, *, default_group: str = "week",
                      today: date | None = None) -> tuple[ReportQuery, ReportForm]:
    """The query the URL asks for, as this user may see it; invalid fields fall back to defaults
    (the form carries the errors for the page)."""
    _require_agent(user)
    own_only = not is_supervisor(user)
    form = ReportForm(params, own_only=own_only)
    form.is_valid()
    clean = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    day = today or timezone.localdate(timezone=get_policy().office.zone)
    start, end = clean.get("start"), clean.get("end")
    if "end" in form.errors or not start or not end:
        first, last = month_range(day)
        start, end = start if start and "end" not in form.errors and start <= day else first, last
        if end < start:
            end = month_range(start)[1]
    filters = {k: clean[k] for k in FILTERS if clean.get(k)}
    if own_only:
        filters["agent"] = str(user.pk)
    group = clean.get("group") or default_group
    return ReportQuery(start=start, end=end, group=group, filters=filters, own_only=own_only), form


def scoped(qs: QuerySet[Any], query: ReportQuery, base: str) -> QuerySet[Any]:
    """``qs`` narrowed by the query's filters (an agent's own figures only)."""
    for key, value in query.filters.items():
        qs = qs.filter(**{DIMENSIONS[key].path(base): value})
    return qs
