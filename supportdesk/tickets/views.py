"""Agent pages. Views parse input, call one selector or service, and render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.catalog.models import Product
from supportdesk.lib.blobstore import blob_open
from supportdesk.lib.confirm import confirm_page, is_confirmed
from supportdesk.lib.params import parse_positive_int
from supportdesk.policy import get_policy
from supportdesk.tickets import (
    clocks,
    selectors,
    services,
    services_checklist,
    services_contacts,
    services_merge,
)
from supportdesk.tickets import forms as f
from supportdesk.tickets.bulk import refusal_text as _error_text
from supportdesk.tickets.models import Attachment, Channel, Message, Priority, Status, Ticket
from supportdesk.tickets.presenters import (
    annotate_conversation,
    change_lines,
    checklist_rows,
    format_business_seconds,
    local_time,
    other_ticket_rows,
    queue_rows,
    queue_rows_html,
    sla_policy_label,
    sla_state,
    ticket_labels,
    zone_line,
)
from supportdesk.tickets.services import ConfirmationRequired, StaleSubmit
from supportdesk.tickets.signals import ticket_page_panels
from supportdesk.tickets.views_queue import queue_extras

PAGE_SIZE = 50
# Types a browser may render inline from our origin; everything else is a download.
INLINE_SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


@agent_required
@require_GET
def queue(request: AgentRequest) -> HttpResponse:
    form = f.QueueFilterForm(request.GET)
    filters = form.filters()
    try:
        after = selectors.Cursor.decode(request.GET.get("after"))
        page_no = parse_positive_int(request.GET["p"], maximum=10**9) if request.GET.get("p") else 1
    except ValueError:
        return HttpResponseBadRequest(_("This page position is not valid: open the queue from its first page."),
                                      content_type="text/plain; charset=utf-8")
    now = timezone.now()
    page = selectors.queue_row_page(user=request.user, filters=filters, after=after, size=PAGE_SIZE, now=now)
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("p", None)
    next_url = None
    if page.next_cursor:
        params_next = params.copy()
        params_next["after"] = page.next_cursor.encode()
        params_next["p"] = str(page_no + 1)
        next_url = "?" + params_next.urlencode()
    view_params = params.copy()
    view_params.pop("view", None)
    rows = queue_rows(page.rows, now, get_policy().office.timezone, reverse("tickets:detail", args=[0]))
    extras = queue_extras(request, filters, rows, now)  # adds each row's tags
    return render(request, "tickets/queue.html", {
        "form": form, "filters": filters, "rows": rows, **extras,
        "rows_html": queue_rows_html(rows, incomplete_label=_("checklist incomplete"),
                                     unreachable_label=_("unreachable by e-mail")),
        "counts": selectors.queue_counts(user=request.user, now=now), "count_limit": selectors.COUNT_LIMIT,
        "views": selectors.VIEWS, "view_query": view_params.urlencode(), "first_url": "?" + params.urlencode(),
        "next_url": next_url, "page_no": page_no, "now": now,
        "product_choices": list(Product.objects.order_by("name").values_list("pk", "name")),
        "status_choices": Status.choices, "channel_choices": Channel.choices,
        "priority_choices": Priority.choices,
        "team_choices": [(t.pk, t.name) for t in selectors.teams(user=request.user)],
    })


@agent_required
@require_GET
def ticket_detail(request: AgentRequest, pk: int) -> HttpResponse:
    return ticket_page(request, pk)


def visible_ticket_or_404(request: AgentRequest, pk: int) -> Ticket:
    """The ticket if this agent may see it; 404 for a missing one and for another team's alike."""
    try:
        return selectors.ticket_for_agent(user=request.user, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def ticket_page(request: AgentRequest, pk: int, *, stale: list[Message] | None = None, **composer: str) -> HttpResponse:
    """The ticket page; ``composer`` refills a reply box with the text and error of a failed send,
    ``stale`` lists what others changed since the page the agent sent it from."""
    ticket = visible_ticket_or_404(request, pk)
    now = timezone.now()
    conversation = list(selectors.ticket_conversation(user=request.user, ticket=ticket))
    annotate_conversation(conversation)
    customer = ticket.customer
    customer_zone = customer.timezone or get_policy().office.timezone
    customer_moment = local_time(now, customer_zone)
    phones = list(customer.phones.all())
    choices = selectors.ticket_page_choices(user=request.user)
    panels = [panel for _receiver, found in ticket_page_panels.send(sender=Ticket, request=request, ticket=ticket)
              for panel in (found or [])]
    return render(request, "tickets/ticket.html", {
        "ticket": ticket,
        "conversation": conversation,
        # Posted back by the reply and status forms: changes by others after it ask for confirmation.
        "seen_marker": max((m.pk for m in conversation), default=0),
        "stale_lines": change_lines(stale or []),
        "stale_ids": {m.pk for m in stale or []},
        "ticket_panels": panels,
        "checklist": checklist_rows(ticket, get_policy().request_items),
        "state": sla_state(ticket, now),
        "sla_label": sla_policy_label(clocks.sla_policy_for(priority=ticket.priority, tier=ticket.sla_tier)),
        "priority_choices": Priority.choices,
        "resolution": format_business_seconds(services.ticket_resolution_now(ticket, now)),
        "customer_now": _customer_clock(customer_moment),
        "customer_zone": zone_line(customer_zone, customer_moment),
        "emails": list(customer.emails.all()),
        "phones": phones,
        "other_tickets": other_ticket_rows(selectors.customer_other_tickets(user=request.user, ticket=ticket),
                                           reverse("tickets:detail", args=[0])),
        "labels": ticket_labels(ticket),
        "company_open": selectors.company_open_count(company_id=customer.company_id),
        "customer_label": customer.name or ticket.contact_email or f"#{customer.pk}",
        "agent_choices": f.agent_choices(team=ticket.team),
        "team_choices": choices.teams,
        "product_choices": choices.products,
        "releases": choices.releases_for(ticket),
        "unanswered": ticket.first_response_at is None,
        "tags": selectors.ticket_tags(user=request.user, ticket=ticket),
        "time_spent": selectors.ticket_time_spent(user=request.user, ticket=ticket, conversation=conversation),
        "now": now,
        **composer,
    })


def _customer_clock(moment: datetime | None) -> str:
    # Formatted here: the template's date filter would convert back to the server's zone.
    return moment.strftime("%H:%M") if moment else ""


def act_on_ticket(request: AgentRequest, pk: int, form_class: type[forms.Form],
         action: Callable[[Ticket, dict[str, Any]], Any], done: str, *, anchor: str = "actions",
         confirm_button: str = "") -> HttpResponse:
    """Run one service on a ticket from a POSTed form; errors become messages, never 500s.
    A service asking for confirmation gets its confirmation page (``confirm_button``)."""
    ticket = visible_ticket_or_404(request, pk)
    form = form_class(request.POST)
    back = reverse("tickets:detail", args=[pk])
    if not form.is_valid():
        errors = "; ".join(f.field_errors(form))
        messages.error(request, _("Not done: %(errors)s") % {"errors": errors})
    else:
        try:
            action(ticket, form.cleaned_data)
        except ConfirmationRequired as exc:
            details = [str(line["text"]) for line in change_lines(exc.changes)] if isinstance(exc, StaleSubmit) else []
            return confirm_page(request, question=exc.question, needs_reason=exc.needs_reason, details=details,
                                button=confirm_button or _("Confirm"), cancel_url=back,
                                error=_("A reason is required.") if is_confirmed(request) else "")
        except (ValueError, Ticket.DoesNotExist) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, done)
    return redirect(f"{back}#{anchor}")


def compose_on_ticket(request: AgentRequest, pk: int, box: str, action: Callable[[Ticket, dict[str, Any]], Any],
             done: str, *, form_class: type[forms.Form] = f.TextForm, confirm_button: str = "") -> HttpResponse:
    """Send from one of the reply boxes; a refusal is shown in that box with the text kept. A
    service asking for confirmation gets its confirmation page (``confirm_button``)."""
    ticket = visible_ticket_or_404(request, pk)
    form = form_class(request.POST, request.FILES)
    text = request.POST.get("text", "")
    if not form.is_valid():
        error = "; ".join(f.field_errors(form))
    else:
        try:
            action(ticket, form.cleaned_data)
        except StaleSubmit as exc:
            # The page comes back with the newer entries (its marker moves past them) and the text
            # kept: sending again from it is the confirmation.
            return ticket_page(request, pk, stale=exc.changes, composer_box=box, composer_text=text,
                               composer_error=exc.question, composer_minutes=request.POST.get("minutes", "")[:8],
                               composer_to=request.POST.get("to", ""), composer_cc=request.POST.get("cc", ""))
        except ConfirmationRequired as exc:
            return confirm_page(request, question=exc.question, needs_reason=exc.needs_reason,
                                button=confirm_button or _("Confirm"),
                                cancel_url=reverse("tickets:detail", args=[pk]) + "#composer",
                                error=_("A reason is required.") if is_confirmed(request) else "")
        except (ValueError, Ticket.DoesNotExist) as exc:
            error = _error_text(exc)
        else:
            messages.success(request, done)
            return redirect(reverse("tickets:detail", args=[pk]) + "#conversation")
    return ticket_page(request, pk, composer_box=box, composer_text=text, composer_error=error,
                       composer_minutes=request.POST.get("minutes", "")[:8],
                       composer_to=request.POST.get("to", ""), composer_cc=request.POST.get("cc", ""))


@agent_required
@require_POST
def ticket_status(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.StatusForm, lambda t, d: services.ticket_set_status(
        ticket=t, status=d["status"], by_user=request.user, reason=d["reason"], confirmed=is_confirmed(request),
        seen=d.get("seen")),
        _("Status changed."), confirm_button=_("End without a reply"))


@agent_required
@require_POST
def ticket_reopen(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.ReasonForm, lambda t, d: services.ticket_reopen(
        ticket=t, by_user=request.user, reason=d["reason"]), _("The ticket is open again."))


@agent_required
@require_POST
def ticket_contacts(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.ContactsForm, lambda t, d: services_contacts.ticket_set_contacts(
        ticket=t, email=d["email"], phone=d["phone"], phone_id=d["phone_id"], by_user=request.user),
        _("Contacts saved."), anchor="customer-card")


@agent_required
@require_POST
def ticket_assign(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.AssignForm, lambda t, d: services.ticket_assign(
        ticket=t, assignee=d["assignee"], by_user=request.user), _("Assignee changed."))


@agent_required
@require_POST
def ticket_take(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, forms.Form, lambda t, d: services.ticket_assign(
        ticket=t, assignee=request.user, by_user=request.user), _("The ticket is yours."))


@agent_required
@require_POST
def ticket_priority(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.PriorityForm, lambda t, d: services.ticket_set_priority(
        ticket=t, priority=d["priority"], by_user=request.user), _("Priority changed; the reply due time follows it."))


@agent_required
@require_POST
def ticket_team(request: AgentRequest, pk: int) -> HttpResponse:
    """Route by hand: any agent may hand a ticket to another team (L1 to L2, say), after which
    it leaves their queue unless they are in that team too."""
    response = act_on_ticket(request, pk, f.TeamForm, lambda t, d: services.ticket_set_team(
        ticket=t, team=d["team"], by_user=request.user), _("Team changed."))
    try:
        selectors.ticket_for_agent(user=request.user, pk=pk)
    except Ticket.DoesNotExist:
        return redirect("tickets:queue")  # handed to a team this agent is not in
    return response


@agent_required
@require_POST
def ticket_product(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.ProductForm, lambda t, d: services_checklist.ticket_set_product(
        ticket=t, product=d["product"], version=d["version"], by_user=request.user), _("Product changed."))


@agent_required
@require_POST
def ticket_merge(request: AgentRequest, pk: int) -> HttpResponse:
    def merge(ticket: Ticket, data: dict[str, Any]) -> None:
        target = selectors.visible_tickets(user=request.user).filter(pk=data["target"]).first()
        if target is None:
            raise ValueError(_("There is no ticket #%(n)s.") % {"n": data["target"]})
        services_merge.ticket_merge(source=ticket, target=target, by_user=request.user, confirmed=is_confirmed(request))

    response = act_on_ticket(request, pk, f.MergeForm, merge, _("Tickets merged."), confirm_button=_("Merge"))
    merged = Ticket.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
    return redirect("tickets:detail", merged) if merged else response


@agent_required
@require_POST
def ticket_checklist(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.ChecklistForm, lambda t, d: services_checklist.ticket_set_checklist(
        ticket=t, items={d["item"]: (d["present"], "")}, source="agent", by_user=request.user),
        _("Checklist updated."))


@agent_required
def attachment_download(request: AgentRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
    visible_ticket_or_404(request, attachment.message.ticket_id)
    inline = attachment.content_type in INLINE_SAFE_TYPES and request.GET.get("download") != "1"
    # HTML and SVG from mail are never served inline: they could run script on our origin.
    content_type = attachment.content_type if inline else "application/octet-stream"
    try:
        content = blob_open(attachment.sha256)
    except FileNotFoundError:
        raise Http404("the attachment's file is missing from the store") from None
    response = FileResponse(content, as_attachment=not inline,
                            filename=attachment.filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
