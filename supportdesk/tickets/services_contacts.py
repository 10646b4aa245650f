"""A ticket's contacts: the reply address and phones an agent sets, and the people a
customer copies, who become contacts of the ticket (and of the company at its domains).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from supportdesk.customers.models import CompanyDomain, Customer, CustomerEmail, CustomerPhone
from supportdesk.customers.services import customer_for_email
from supportdesk.lib.phones import BadPhoneNumber, normalize_phone
from supportdesk.tickets.models import Ticket, TicketContact
from supportdesk.tickets.services import InvalidAction, _locked, _now, _require_scope, ticket_add_event


def ticket_set_contacts(*, ticket: Ticket, email: str, phone: str, phone_id: int | None = None,
                        by_user: User | None) -> Ticket:
    """An agent sets the ticket's reply address (added to the customer's addresses) and adds or
    corrects a customer phone (``phone_id``: the customer's phone the agent edited). A new
    address clears the "unreachable by e-mail" flag: replies go to it from now on."""
    email = email.strip().lower()
    try:
        e164 = normalize_phone(phone) if phone.strip() else ""
    except BadPhoneNumber as exc:
        raise InvalidAction(gettext("%(phone)s is not a phone number.") % {"phone": phone.strip()}) from exc
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_scope(by_user, ticket)
        changes: dict[str, str] = {}
        if email and email != ticket.contact_email:
            owner = CustomerEmail.objects.filter(address=email).values_list("customer_id", flat=True).first()
            if owner is not None and owner != ticket.customer_id:
                raise InvalidAction(gettext("%(email)s belongs to another customer.") % {"email": email})
            if owner is None:
                CustomerEmail.objects.create(customer_id=ticket.customer_id, address=email,
                                             is_primary=not CustomerEmail.objects.filter(
                                                 customer_id=ticket.customer_id).exists())
            ticket.contact_email = email
            ticket.unreachable_by_email = False
            ticket.unreachable_reason = ""
            ticket.save(update_fields=["contact_email", "unreachable_by_email", "unreachable_reason", "updated_at"])
            changes["email"] = email
        if e164:
            phones = CustomerPhone.objects.filter(customer_id=ticket.customer_id)
            edited = phones.filter(pk=phone_id).first() if phone_id else None
            if not phones.filter(number=e164).exists():
                if edited is not None:
                    edited.number, edited.display = e164, phone.strip()[:40]
                    edited.save(update_fields=["number", "display"])
                else:
                    CustomerPhone.objects.create(customer_id=ticket.customer_id, number=e164,
                                                 display=phone.strip()[:40])
                changes["phone"] = e164
        if changes:
            ticket_add_event(ticket=ticket, event="contacts", by_user=by_user, data=changes)
    return ticket


def ticket_add_contacts(*, ticket: Ticket, addresses: Sequence[str], source: str,
                        names: dict[str, str] | None = None, at: datetime | None = None,
                        opened: bool = False,
                        looked_up: Mapping[str, Customer | None] | None = None) -> list[TicketContact]:
    """Put people on the ticket's conversation (reply-all writes to them): each address becomes
    a ticket contact linked to its customer record, made for it when new (so a colleague the
    customer copied is a customer of ours from now on). The reply address itself and addresses
    already on the ticket are skipped; the caller filters out our own addresses and robots.
    ``opened``: the caller's transaction opened the ticket, which has no contacts yet (they are
    not read); ``looked_up``: the customers the caller found for these addresses
    (``customers_by_email``). Returns the contacts added."""
    when = _now(at)
    reply_address = ticket.contact_email.strip().lower()
    wanted = list(dict.fromkeys(a for a in (a.strip().lower() for a in addresses) if a and a != reply_address))
    if not wanted:
        return []
    with transaction.atomic():
        known = set() if opened else set(
            TicketContact.objects.filter(ticket=ticket, email__in=wanted).values_list("email", flat=True))
        added = []
        for address in wanted:
            if address in known:
                continue
            customer = customer_for_email(address=address, name=(names or {}).get(address, ""),
                                          language=ticket.language, looked_up=looked_up)
            _join_company(customer, ticket, address)
            added.append(TicketContact(ticket=ticket, email=address, customer=customer, source=source,
                                       created_at=when))
        TicketContact.objects.bulk_create(added)  # one INSERT for everyone the mail copied
    return added


def _join_company(customer: Customer, ticket: Ticket, address: str) -> None:
    """A colleague at one of the ticket's company's mail domains becomes that company's contact
    (someone copied from elsewhere, a dealer's engineer, stays outside it)."""
    if customer.company_id is not None or customer.pk == ticket.customer_id:
        return
    if Ticket.customer.is_cached(ticket) and ticket.customer is not None:  # the intake holds it
        company_id = ticket.customer.company_id
    else:
        company_id = Customer.objects.filter(pk=ticket.customer_id).values_list("company_id", flat=True).first()
    if company_id is None:
        return
    domain = address.rpartition("@")[2]
    if CompanyDomain.objects.filter(company_id=company_id, domain=domain).exists():
        customer.company_id = company_id
        customer.save(update_fields=["company"])

