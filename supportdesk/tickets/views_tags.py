"""Tags: on the ticket page (add with autocomplete, remove) and the supervisors' tag page
(rename, merge)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.accounts.roles import is_supervisor
from supportdesk.lib.params import parse_positive_int
from supportdesk.tickets import forms as f
from supportdesk.tickets import selectors, services_tags
from supportdesk.tickets.models import Tag, Ticket
from supportdesk.tickets.views import act_on_ticket


@agent_required
@require_POST
def ticket_tags_add(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.TagForm, lambda t, d: services_tags.ticket_tag(
        ticket=t, add=d["names"], by_user=request.user), _("Tags saved."), anchor="tags")


class _RemoveForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Tag"))


@agent_required
@require_POST
def ticket_tags_remove(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, _RemoveForm, lambda t, d: services_tags.ticket_tag(
        ticket=t, remove=[d["name"]], by_user=request.user), _("Tag removed."), anchor="tags")


@agent_required
@require_GET
def tag_suggest(request: AgentRequest) -> HttpResponse:
    """The autocomplete under the tag box (htmx): existing tags matching the last name typed."""
    text = request.GET.get("tag", "")[:500].rsplit(",", 1)[-1]
    exclude: list[str] = []
    try:
        ticket = selectors.ticket_for_agent(user=request.user, pk=parse_positive_int(request.GET.get("ticket", "")))
        exclude = selectors.ticket_tags(user=request.user, ticket=ticket)
    except (ValueError, Ticket.DoesNotExist):
        pass
    names = selectors.tag_suggestions(user=request.user, text=text, exclude=exclude)
    return render(request, "tickets/_tag_suggestions.html", {"names": names})


@agent_required
@require_GET
def tag_list(request: AgentRequest) -> HttpResponse:
    return render(request, "tickets/tags.html", {
        "tags": selectors.tags_with_counts(user=request.user), "can_manage": is_supervisor(request.user)})


def _supervisor_tag(request: AgentRequest, pk: int) -> Tag:
    if not is_supervisor(request.user):
        raise PermissionDenied("supervisors only")
    return get_object_or_404(Tag, pk=pk)


@agent_required
@require_POST
def tag_rename(request: AgentRequest, pk: int) -> HttpResponse:
    tag = _supervisor_tag(request, pk)
    form = f.TagNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not renamed: %(errors)s") % {"errors": "; ".join(f.field_errors(form))})
    else:
        try:
            services_tags.tag_rename(tag=tag, name=form.cleaned_data["name"], by_user=request.user)
        except ValueError as exc:
            messages.error(request, _("Not renamed: %(errors)s") % {"errors": exc})
        else:
            messages.success(request, _("Tag renamed."))
    return redirect("tickets:tags")


@agent_required
@require_POST
def tag_merge(request: AgentRequest, pk: int) -> HttpResponse:
    tag = _supervisor_tag(request, pk)
    form = f.TagMergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not merged: %(errors)s") % {"errors": "; ".join(f.field_errors(form))})
        return redirect("tickets:tags")
    target = Tag.objects.filter(name=form.cleaned_data["into"]).first()
    if target is None:
        messages.error(request, _("Not merged: %(field)s: there is no tag “%(name)s”.") % {
            "field": _("Merge into tag"), "name": form.cleaned_data["into"]})
        return redirect("tickets:tags")
    try:
        count = services_tags.tag_merge(source=tag, target=target, by_user=request.user)
    except (ValueError, Tag.DoesNotExist) as exc:
        messages.error(request, _("Not merged: %(errors)s") % {"errors": exc})
    else:
        messages.success(request, _("Tag merged into “%(name)s” on %(n)s tickets.") % {"name": target.name, "n": count})
    return redirect("tickets:tags")
