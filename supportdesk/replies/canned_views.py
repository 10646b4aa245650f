"""Canned answers and macros: the picker of the reply box, applying a macro, and the pages
where supervisors manage the shared answers and every agent their personal ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.accounts.roles import is_supervisor
from supportdesk.lib.confirm import confirm_page, is_confirmed
from supportdesk.replies.canned import (
    canned_can_edit,
    canned_delete,
    canned_render,
    canned_save,
    canned_search,
    canned_visible,
    placeholder_values,
)
from supportdesk.replies.forms import CannedForm, MacroApplyForm
from supportdesk.replies.macros import macro_apply
from supportdesk.replies.models import CannedResponse
from supportdesk.tickets import selectors
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.views import compose_on_ticket


@agent_required
@require_GET
def canned_pick(request: AgentRequest, pk: int) -> HttpResponse:
    """The picker's list for one ticket: each answer already filled in for it."""
    try:
        ticket = selectors.ticket_for_agent(user=request.user, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    query = request.GET.get("q", "")[:200].replace("\x00", "")
    values = placeholder_values(ticket=ticket, author=request.user)
    entries = [canned_render(canned=c, ticket=ticket, author=request.user, values=values)
               for c in canned_search(user=request.user, q=query)]
    return render(request, "replies/_canned_results.html", {"entries": entries, "q": query})


@agent_required
@require_POST
def ticket_macro(request: AgentRequest, pk: int) -> HttpResponse:
    def apply(ticket: Ticket, data: dict) -> None:
        macro_apply(ticket=ticket, macro=data["macro"], author=request.user, text=data["text"],
                    confirmed=is_confirmed(request), reason=data["reason"], time_spent=data.get("minutes"))

    return compose_on_ticket(request, pk, "reply", apply, _("Macro applied."), form_class=MacroApplyForm,
                             confirm_button=_("Apply the macro"))


@agent_required
@require_GET
def canned_list(request: AgentRequest) -> HttpResponse:
    answers = list(canned_visible(user=request.user).order_by("owner_id", "title", "id"))
    return render(request, "replies/canned_list.html", {
        "shared": [a for a in answers if a.owner_id is None],
        "personal": [a for a in answers if a.owner_id is not None],
        "can_manage_shared": is_supervisor(request.user),
    })


@agent_required
@require_http_methods(["GET", "POST"])
def canned_edit(request: AgentRequest, pk: int | None = None) -> HttpResponse:
    canned = None
    if pk is not None:
        canned = get_object_or_404(canned_visible(user=request.user), pk=pk)
        if not canned_can_edit(user=request.user, canned=canned):
            raise PermissionDenied("not yours to manage")
    shared = canned.owner_id is None if canned else request.GET.get("shared") == "1"
    if shared and not is_supervisor(request.user):
        raise PermissionDenied("only supervisors manage shared answers")
    form = CannedForm(request.POST or None, instance=canned or CannedResponse(owner=None if shared else request.user))
    if request.method == "POST" and form.is_valid():
        saved = canned_save(user=request.user, canned=canned, data=form.cleaned_data, shared=shared)
        messages.success(request, _("Canned answer “%(title)s” saved.") % {"title": saved.title})
        return redirect("replies:canned_list")
    return render(request, "replies/canned_form.html", {"form": form, "canned": canned, "shared": shared})


@agent_required
@require_POST
def canned_delete_view(request: AgentRequest, pk: int) -> HttpResponse:
    canned = get_object_or_404(canned_visible(user=request.user), pk=pk)
    if not canned_can_edit(user=request.user, canned=canned):
        raise PermissionDenied("not yours to manage")
    if not is_confirmed(request):
        return confirm_page(request, question=_("Delete the canned answer “%(title)s”?") % {"title": canned.title},
                            button=_("Delete"), cancel_url=reverse("replies:canned_list"))
    canned_delete(user=request.user, canned=canned)
    messages.success(request, _("Canned answer “%(title)s” deleted.") % {"title": canned.title})
    return redirect("replies:canned_list")
