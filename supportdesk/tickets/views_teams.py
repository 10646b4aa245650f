"""Supervisors' pages for teams: members and routing rules. Views parse, call one service, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts import services as team_services
from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.accounts.models import Team, TeamRule
from supportdesk.accounts.roles import has_perm
from supportdesk.catalog.models import Brand, Product
from supportdesk.lib.confirm import confirm_page, is_confirmed
from supportdesk.tickets.forms import agents


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("Team name"))
    description = forms.CharField(max_length=300, required=False, label=gettext_lazy("Description"))


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=TeamRule.Kind.choices, label=gettext_lazy("Matches on"))
    value = forms.CharField(max_length=254, label=gettext_lazy("Value"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), (data.get("value") or "").strip()
        if kind == TeamRule.Kind.PRODUCT:
            product = Product.objects.filter(key=value).first() or Product.objects.filter(name__iexact=value).first()
            if product is None:
                self.add_error("value", _("There is no product “%(v)s”: give its key or name.") % {"v": value})
            else:
                data["value"] = product.key
        elif kind == TeamRule.Kind.BRAND:
            brand = Brand.objects.filter(key=value).first() or Brand.objects.filter(name__iexact=value).first()
            if brand is None:
                self.add_error("value", _("There is no brand “%(v)s”: give its key or name.") % {"v": value})
            else:
                data["value"] = brand.key
        elif kind == TeamRule.Kind.MAILBOX:
            try:
                validate_email(value)
            except forms.ValidationError:
                self.add_error("value", _("“%(v)s” is not an e-mail address.") % {"v": value})
        return data


class MembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(queryset=agents(), required=False, label=gettext_lazy("Members"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = agents()  # type: ignore[attr-defined]


def _manager(request: AgentRequest) -> None:
    if not has_perm(request.user, "teams.manage"):
        raise PermissionDenied("supervisors only")


def _form_errors(form: forms.Form) -> str:
    return "; ".join(f"{form.fields[name].label if name in form.fields else ''}: {error}".lstrip(": ")
                     for name, errors in form.errors.items() for error in errors)


@agent_required
@require_GET
def team_list(request: AgentRequest) -> HttpResponse:
    _manager(request)
    teams = Team.objects.annotate(member_count=Count("members", distinct=True)).prefetch_related("rules")
    return render(request, "tickets/teams.html", {"teams": teams, "form": TeamForm()})


@agent_required
@require_GET
def team_detail(request: AgentRequest, pk: int) -> HttpResponse:
    _manager(request)
    team = get_object_or_404(Team, pk=pk)
    member_ids = set(team.members.values_list("pk", flat=True))
    return render(request, "tickets/team.html", {
        "team": team, "form": TeamForm(initial={"name": team.name, "description": team.description}),
        "candidates": [(u, u.pk in member_ids) for u in agents()],
        "rules": team.rules.all(), "rule_kinds": TeamRule.Kind.choices,
        "products": Product.objects.order_by("name"), "brands": Brand.objects.order_by("name"),
    })


def _run(request: AgentRequest, action: Any, done: str, back: str) -> HttpResponse:
    try:
        action()
    except team_services.TeamError as exc:
        messages.error(request, _("Not done: %(errors)s") % {"errors": exc})
    else:
        messages.success(request, done)
    return redirect(back)


@agent_required
@require_POST
def team_create(request: AgentRequest) -> HttpResponse:
    _manager(request)
    form = TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not done: %(errors)s") % {"errors": _form_errors(form)})
        return redirect("tickets:teams")
    created: list[Team] = []
    response = _run(request, lambda: created.append(team_services.team_save(
        by_user=request.user, name=form.cleaned_data["name"], description=form.cleaned_data["description"])),
        _("Team created."), reverse("tickets:teams"))
    return redirect("tickets:team", created[0].pk) if created else response


def _on_team(request: AgentRequest, pk: int, form_class: type[forms.Form],
             action: Callable[[Team, dict[str, Any]], object], done: str) -> HttpResponse:
    """A supervisor's form about one team: checked, then done through the team services."""
    _manager(request)
    team = get_object_or_404(Team, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not done: %(errors)s") % {"errors": _form_errors(form)})
        return redirect("tickets:team", pk)
    return _run(request, lambda: action(team, form.cleaned_data), done, reverse("tickets:team", args=[pk]))


@agent_required
@require_POST
def team_update(request: AgentRequest, pk: int) -> HttpResponse:
    return _on_team(request, pk, TeamForm, lambda team, d: team_services.team_save(
        by_user=request.user, team=team, name=d["name"], description=d["description"]), _("Team saved."))


@agent_required
@require_POST
def team_members(request: AgentRequest, pk: int) -> HttpResponse:
    return _on_team(request, pk, MembersForm, lambda team, d: team_services.team_set_members(
        by_user=request.user, team=team, members=d["members"]), _("Members saved."))


@agent_required
@require_POST
def team_rule_add(request: AgentRequest, pk: int) -> HttpResponse:
    return _on_team(request, pk, RuleForm, lambda team, d: team_services.team_rule_add(
        by_user=request.user, team=team, kind=d["kind"], value=d["value"]), _("Routing rule added."))


@agent_required
@require_POST
def team_rule_delete(request: AgentRequest, pk: int) -> HttpResponse:
    _manager(request)
    rule = get_object_or_404(TeamRule, pk=pk)
    team_pk = rule.team_id
    return _run(request, lambda: team_services.team_rule_delete(by_user=request.user, rule=rule),
                _("Routing rule removed."), reverse("tickets:team", args=[team_pk]))


@agent_required
@require_POST
def team_delete(request: AgentRequest, pk: int) -> HttpResponse:
    _manager(request)
    team = get_object_or_404(Team, pk=pk)
    if not is_confirmed(request):
        return confirm_page(request, question=_("Delete the team “%(name)s”? Its tickets become unrouted and "
                                                "visible to every agent; its routing rules are removed.")
                            % {"name": team.name}, button=_("Delete the team"),
                            cancel_url=reverse("tickets:team", args=[pk]))
    return _run(request, lambda: team_services.team_delete(by_user=request.user, team=team),
                _("Team deleted."), reverse("tickets:teams"))
