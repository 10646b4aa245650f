"""Forms of the outbound mail page and the split action: input parsing only, no writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.catalog.models import Product
from supportdesk.customers.models import Company, Customer, CustomerEmail
from supportdesk.replies.outbound import Outbound
from supportdesk.tickets.models import Ticket


def _id_field() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


def form_errors(form: forms.Form) -> str:
    """Every error with the field it is about: "Subject: This field is required"."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label}: {e}" if label else str(e) for e in errors]
    return "; ".join(parts)


class SplitForm(forms.Form):
    subject = forms.CharField(label=_("Subject of the new ticket"), max_length=300)


class OutboundForm(forms.Form):
    to = forms.EmailField(label=_("To"), max_length=254)
    name = forms.CharField(label=_("Recipient's name"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Text"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 10}))
    product = forms.ModelChoiceField(Product.objects.order_by("name"), label=_("Product"), required=False,
                                     empty_label="—")
    after = forms.ChoiceField(label=_("Then"), initial="wait", choices=[
        ("wait", _("wait for the customer's answer")), ("open", _("keep the ticket open"))])

    def draft(self) -> Outbound:
        d = self.cleaned_data
        return Outbound(to=d["to"], name=d["name"], subject=d["subject"], text=d["text"], product=d["product"],
                        wait_for_customer=d["after"] == "wait")


class OutboundSourceForm(forms.Form):
    """Where the conversation starts from (hidden fields, or the query string of the link)."""

    company = _id_field()
    customer = _id_field()
    ticket = _id_field()

    def context(self) -> dict[str, Any]:
        d = self.cleaned_data
        ticket = Ticket.objects.select_related("customer").filter(pk=d["ticket"]).first() if d["ticket"] else None
        customer = ticket.customer if ticket else (
            Customer.objects.filter(pk=d["customer"]).first() if d["customer"] else None)
        company = Company.objects.filter(pk=d["company"]).first() if d["company"] else None
        if company is None and customer is not None and customer.company_id:
            company = customer.company
        initial: dict[str, Any] = {"after": "wait"}
        addresses: list[str] = []
        if customer is not None:
            addresses = list(customer.emails.values_list("address", flat=True))
            initial["name"] = customer.name
        elif company is not None:
            addresses = list(CustomerEmail.objects.filter(customer__company=company)
                             .order_by("address").values_list("address", flat=True)[:200])
        if customer is not None and (addresses or (ticket and ticket.contact_email)):
            initial["to"] = ticket.contact_email if ticket and ticket.contact_email else addresses[0]
        if ticket is not None:
            initial.update(subject=ticket.subject, product=ticket.product_id)
        return {"initial": initial, "addresses": addresses, "ticket": ticket, "customer": customer,
                "company": company}
