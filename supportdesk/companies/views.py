"""Company pages for agents. Views parse input, call one selector or service, render or redirect."""

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
from supportdesk.companies import forms as f
from supportdesk.companies import selectors
from supportdesk.customers import companies as services
from supportdesk.customers.domains import domain_display
from supportdesk.customers.models import Company, Customer, company_name_key
from supportdesk.lib.confirm import confirm_page, is_confirmed
from supportdesk.lib.params import parse_positive_int


def _form_errors(form: f.forms.Form) -> str:
    return "; ".join(f"{form.fields[name].label if name in form.fields else ''}: {e}".lstrip(": ")
                     for name, errs in form.errors.items() for e in errs)


def _company(request: AgentRequest, pk: int) -> Company:
    try:
        return selectors.company_for_agent(user=request.user, pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404 from exc


@agent_required
@require_GET
def company_list(request: AgentRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    try:
        page = parse_positive_int(request.GET["p"], maximum=10**6) if request.GET.get("p") else 1
    except ValueError:
        page = 1
    rows, more = selectors.companies_search(user=request.user, q=q, page=page)
    return render(request, "companies/list.html", {"companies": rows, "q": q, "page": page, "more": more})


def _edit(request: AgentRequest, company: Company | None) -> HttpResponse:
    if request.method == "POST":
        form = f.CompanyForm(request.POST)
        if form.is_valid():
            try:
                saved = services.company_save(company=company, data=form.data_object(), by_user=request.user)
            except services.CompanyError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Company saved."))
                return redirect("companies:detail", saved.pk)
    elif company is not None:
        form = f.CompanyForm(initial={
            "name": company.name, "contract_tier": company.contract_tier, "notes": company.notes,
            "domains": "\n".join(domain_display(d.domain) for d in company.domains.all())})
    else:
        form = f.CompanyForm(initial={"name": request.GET.get("name", "")[:200]})
    return render(request, "companies/form.html", {
        "form": form, "company": company, "can_set_tier": is_supervisor(request.user)})


@agent_required
@require_http_methods(["GET", "POST"])
def company_new(request: AgentRequest) -> HttpResponse:
    return _edit(request, None)


@agent_required
@require_http_methods(["GET", "POST"])
def company_edit(request: AgentRequest, pk: int) -> HttpResponse:
    return _edit(request, _company(request, pk))


@agent_required
@require_GET
def company_detail(request: AgentRequest, pk: int) -> HttpResponse:
    company = _company(request, pk)
    return render(request, "companies/detail.html", {
        "company": company,
        "domains": [domain_display(d.domain) for d in company.domains.all()],
        "contacts": selectors.company_contacts(user=request.user, company=company),
        "tickets": selectors.company_tickets(user=request.user, company=company),
        "contacts_shown": selectors.CONTACTS_SHOWN,
        "can_merge": is_supervisor(request.user),
        "company_names": selectors.company_names(user=request.user) if is_supervisor(request.user) else [],
    })


@agent_required
@require_POST
def company_add_contact(request: AgentRequest, pk: int) -> HttpResponse:
    company = _company(request, pk)
    form = f.ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not added: %(errors)s") % {"errors": _form_errors(form)})
    else:
        try:
            customer = services.company_add_contact(company=company, contact=form.cleaned_data["contact"],
                                                    name=form.cleaned_data["name"], by_user=request.user)
        except services.CompanyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(customer)s is a contact of %(company)s.")
                             % {"customer": customer, "company": company.name})
    return redirect(reverse("companies:detail", args=[company.pk]) + "#contacts")


@agent_required
@require_POST
def company_remove_contact(request: AgentRequest, pk: int, customer_pk: int) -> HttpResponse:
    company = _company(request, pk)
    customer = get_object_or_404(Customer, pk=customer_pk)
    services.company_remove_contact(company=company, customer=customer, by_user=request.user)
    messages.success(request, _("%(customer)s is no longer a contact of %(company)s.")
                     % {"customer": customer, "company": company.name})
    return redirect(reverse("companies:detail", args=[company.pk]) + "#contacts")


@agent_required
@require_POST
def company_merge(request: AgentRequest, pk: int) -> HttpResponse:
    if not is_supervisor(request.user):
        raise PermissionDenied("supervisors only")
    source = _company(request, pk)
    back = reverse("companies:detail", args=[source.pk])
    form = f.MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not merged: %(errors)s") % {"errors": _form_errors(form)})
        return redirect(back + "#merge")
    name = " ".join(form.cleaned_data["target"].split())
    target = Company.objects.filter(name_key=company_name_key(name)).first()
    if target is None:
        messages.error(request, _("Not merged: there is no company named “%(name)s”.") % {"name": name})
        return redirect(back + "#merge")
    try:
        merged = services.company_merge(source=source, target=target, by_user=request.user,
                                        confirmed=is_confirmed(request))
    except services.CompanyMergeUnconfirmed as exc:
        return confirm_page(request, question=str(exc), button=_("Merge"), cancel_url=back)
    except services.CompanyError as exc:
        messages.error(request, str(exc))
        return redirect(back + "#merge")
    messages.success(request, _("Companies merged."))
    return redirect("companies:detail", merged.pk)


@agent_required
@require_POST
def customer_company(request: AgentRequest, pk: int) -> HttpResponse:
    """A customer's company, set from the ticket page's customer card."""
    customer = get_object_or_404(Customer, pk=pk)
    form = f.CustomerCompanyForm(request.POST)
    ticket = None
    if not form.is_valid():
        messages.error(request, _("Not saved: %(errors)s") % {"errors": _form_errors(form)})
    else:
        ticket = form.cleaned_data["ticket"]
        try:
            company = services.customer_set_company(customer=customer, company_name=form.cleaned_data["company"],
                                                    by_user=request.user)
        except services.CompanyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(customer)s is a contact of %(company)s.")
                             % {"customer": customer, "company": company.name} if company
                             else _("%(customer)s belongs to no company now.") % {"customer": customer})
    if ticket:
        return redirect(reverse("tickets:detail", args=[ticket]) + "#customer-card")
    return redirect("companies:list")
