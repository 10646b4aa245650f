"""Phone pages: the caller pop-up, "log a call", and the CTI webhook."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.lib.params import parse_positive_int
from supportdesk.lib.phones import BadPhoneNumber, format_phone
from supportdesk.phone import selectors, services
from supportdesk.phone.events import BadEvent, parse_body, parse_event
from supportdesk.phone.forms import CallForm
from supportdesk.phone.models import Call
from supportdesk.policy import get_policy
from supportdesk.tickets.models import CHECKLIST_ITEMS
from supportdesk.tickets.selectors import open_tickets_of_customer, visible_tickets

# A call older than this no longer pops up, whatever the PBX failed to tell us.
POPUP_WINDOW = timedelta(minutes=30)


@csrf_exempt
@require_POST
def cti_events(request: HttpRequest, name: str) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    integration = services.integration_authenticate(name=name, token=token) if token else None
    if integration is None:
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        event = parse_event(parse_body(request.body), timezone.now())
    except BadEvent as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    call = services.cti_event_apply(integration=integration, event=event)
    return JsonResponse({"call": call.pk, "state": call.state})


@agent_required
@require_GET
def popup(request: AgentRequest) -> HttpResponse:
    calls = selectors.calls_ringing(user=request.user, since=timezone.now() - POPUP_WINDOW)
    rows = [(c, format_phone(c.number) if c.number else c.caller,
             open_tickets_of_customer(user=request.user, customer_id=c.customer_id) if c.customer_id else []) for c in calls]
    return render(request, "phone/_popup.html", {"rows": rows})


@agent_required
@require_http_methods(["GET", "POST"])
def call_new(request: AgentRequest) -> HttpResponse:
    call = None
    if call_ref := request.POST.get("call") or request.GET.get("call"):
        try:
            call_pk = parse_positive_int(call_ref)
        except ValueError:
            return HttpResponseBadRequest(_("The call is not a call number."),
                                          content_type="text/plain; charset=utf-8")
        call = selectors.call_for_agent(user=request.user, pk=call_pk)
        if call is None:
            raise Http404(_("No such call."))
    if request.method == "POST":
        form = CallForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                logged = services.call_log(agent=request.user, log=form.call_log(),
                                           ticket=form.cleaned_data.get("ticket"), call=call)
            except (BadPhoneNumber, ValueError) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Call logged."))
                return redirect("tickets:detail", logged.ticket_id)
    else:
        initial: dict[str, object] = {"number": request.GET.get("number", ""), "ticket": request.GET.get("ticket") or None}
        if call is not None:
            initial.update(number=call.number or call.caller, direction=call.direction, call=call.pk,
                           name=call.customer.name if call.customer else "")
        form = CallForm(initial=initial, user=request.user)
    items = [(item, form[f"check_{item.key}"]) for item in get_policy().request_items if item.key in CHECKLIST_ITEMS]
    return render(request, "phone/call_form.html", {"form": form, "call": call, "check_fields": items})


@agent_required
@require_POST
def call_to_ticket(request: AgentRequest, call_pk: int, ticket_pk: int) -> HttpResponseRedirect:
    """One click in the pop-up: the ringing call becomes a customer message on that ticket."""
    call = get_object_or_404(Call, pk=call_pk)
    ticket = get_object_or_404(visible_tickets(user=request.user).select_related("customer"), pk=ticket_pk)
    try:
        services.call_log(agent=request.user, ticket=ticket, call=call,
                          log=services.CallLog(direction=call.direction, number=call.number or call.caller,
                                               summary=_("Phone call from %(n)s") % {"n": call.number}))
    except (BadPhoneNumber, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Call logged."))
    return redirect("tickets:detail", ticket.pk)
