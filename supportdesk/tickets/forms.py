"""Forms of the agent pages: input parsing only, no writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Team
from supportdesk.accounts.roles import AGENTS, SUPERVISORS
from supportdesk.catalog.models import Product, Release
from supportdesk.tickets.models import CHECKLIST_ITEMS, CannedResponse, Channel, Priority, Status
from supportdesk.tickets.selectors import VIEWS, QueueFilters


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(choices=[(v, v) for v in VIEWS], required=False)
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    product = forms.ModelChoiceField(Product.objects.all(), required=False, label=_("Product"),
                                     empty_label=_("any product"))
    status = forms.ChoiceField(choices=[("", _("any status"))] + list(Status.choices), required=False,
                               label=_("Status"))
    channel = forms.ChoiceField(choices=[("", _("any channel"))] + list(Channel.choices), required=False,
                                label=_("Channel"))
    priority = forms.ChoiceField(choices=[("", _("any priority"))] + list(Priority.choices), required=False,
                                 label=_("Priority"))
    # A team's id, or "none" for the unrouted tickets.
    team = forms.CharField(required=False, max_length=20, label=_("Team"))
    incomplete = forms.BooleanField(required=False, label=_("checklist incomplete"))
    unreachable = forms.BooleanField(required=False, label=_("unreachable by e-mail"))

    def filters(self) -> QueueFilters:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        product = data.get("product")
        return QueueFilters(view=data.get("view") or "open", product=product.pk if product else None,
                            status=data.get("status") or "", channel=data.get("channel") or "",
                            priority=data.get("priority") or "", team=_team_filter(data.get("team") or ""),
                            checklist_incomplete=bool(data.get("incomplete")),
                            unreachable=bool(data.get("unreachable")), q=(data.get("q") or "").strip())


def _team_filter(raw: str) -> int | None:
    """None: any team; 0: unrouted; else a team id (anything else reads as "any team")."""
    if raw == "none":
        return 0
    return int(raw) if raw.isdigit() and 0 < len(raw) < 10 else None


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=100_000, strip=True)


class ReplyForm(TextForm):
    canned = forms.ModelChoiceField(CannedResponse.objects.all(), required=False)


def agents(*, team: Team | None = None) -> QuerySet:
    """Active agents; with ``team``, those who can see its tickets (its members, supervisors)."""
    users = get_user_model()
    qs = users.objects.filter(is_active=True).filter(Q(groups__name__in=(AGENTS, SUPERVISORS)) | Q(is_superuser=True))
    if team is not None:
        qs = qs.filter(Q(support_teams=team) | Q(groups__name=SUPERVISORS) | Q(is_superuser=True))
    return qs.distinct().order_by("username")


class TeamForm(forms.Form):
    team = forms.ModelChoiceField(Team.objects.all(), required=False, label=_("Team"), empty_label=_("unrouted"))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False,
                                      label=_("Assignee"), empty_label=_("nobody"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=200, label=_("Reason"))


class StatusForm(ReasonForm):
    status = forms.ChoiceField(choices=[(Status.OPEN, Status.OPEN.label), (Status.SOLVED, Status.SOLVED.label),
                                        (Status.CLOSED, Status.CLOSED.label)])


class ContactsForm(forms.Form):
    email = forms.EmailField(required=False, max_length=254, label=_("E-mail"))
    phone = forms.CharField(required=False, max_length=40, label=_("Phone"))
    phone_id = forms.IntegerField(required=False, min_value=1)


class WaitReleaseForm(forms.Form):
    release = forms.ModelChoiceField(Release.objects.filter(status=Release.Status.PLANNED), label=_("Release"))


class ProductForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.all(), required=False, label=_("Product"),
                                     empty_label="—")
    version = forms.CharField(required=False, max_length=40, label=_("Version"))


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices, label=_("Priority"))


class MergeForm(forms.Form):
    target = forms.IntegerField(min_value=1, label=_("Merge into ticket number"))


class ChecklistForm(forms.Form):
    item = forms.ChoiceField(choices=[(k, k) for k in CHECKLIST_ITEMS])
    present = forms.TypedChoiceField(choices=[("1", "yes"), ("0", "no")], coerce=lambda v: v == "1")
