"""Supervisors' page for one customer's personal data: export (a zip) and erasure (152-FZ)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.decorators import agent_required
from supportdesk.accounts.roles import is_supervisor
from supportdesk.customers.models import Customer
from supportdesk.privacy.services import PrivacyError, customer_erase, customer_export
from supportdesk.tickets.models import Ticket


def _customer_for(request: HttpRequest, pk: int) -> Customer:
    if not is_supervisor(request.user):
        raise PermissionDenied("supervisors only")
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise Http404("no such customer")
    return customer


@require_GET
@agent_required
def customer_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_for(request, pk)
    return render(request, "privacy/customer.html", {
        "customer": customer,
        "emails": list(customer.emails.values_list("address", flat=True)),
        "phones": list(customer.phones.all()),
        "tickets": Ticket.objects.filter(customer=customer).count(),
    })


@require_POST
@agent_required
def customer_privacy_export(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_for(request, pk)
    response = HttpResponse(customer_export(customer=customer, actor=request.user),  # type: ignore[arg-type]
                            content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}-personal-data.zip"'
    return response


@require_POST
@agent_required
def customer_privacy_erase(request: HttpRequest, pk: int) -> HttpResponseBase:
    customer = _customer_for(request, pk)
    confirm = request.POST.get("confirm_number", "").strip()
    reason = request.POST.get("reason", "")
    error = ""
    if confirm != str(customer.pk):
        error = _("Type the customer's number, %(n)s, to confirm the erasure.") % {"n": customer.pk}
    else:
        try:
            summary = customer_erase(customer=customer, actor=request.user, reason=reason)  # type: ignore[arg-type]
        except PrivacyError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The personal data of customer #%(n)s was erased from %(t)s tickets.")
                             % {"n": customer.pk, "t": summary.tickets})
            return redirect("privacy:customer", pk=customer.pk)
    return render(request, "privacy/customer.html", {
        "customer": customer, "error": error, "reason": reason,
        "emails": list(customer.emails.values_list("address", flat=True)),
        "phones": list(customer.phones.all()),
        "tickets": Ticket.objects.filter(customer=customer).count(),
    }, status=400)
