"""Outbound tickets: an agent starts an e-mail conversation (from a company page or a phone
ticket). The ticket's first message is ours; no reply clock runs until the customer answers,
and their answer threads into the ticket by its Message-ID and its [#N] subject tag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from supportdesk.catalog.models import Product
from supportdesk.customers.models import Company, Customer, CustomerEmail
from supportdesk.customers.services import customer_add_email, customer_for_email
from supportdesk.replies.mailer import is_own_address, send_ticket_mail, ticket_subject
from supportdesk.replies.rendering import mail_language, render_mail
from supportdesk.replies.services import _reply_context, _require_agent
from supportdesk.tickets.models import Channel, Status, Ticket
from supportdesk.tickets.services import InvalidAction, ticket_add_event, ticket_create, ticket_set_status


@dataclass(frozen=True)
class Outbound:
    to: str
    subject: str
    text: str
    name: str = ""
    product: Product | None = None
    wait_for_customer: bool = True


def _recipient(draft: Outbound, customer: Customer | None, company: Company | None) -> Customer:
    """The customer the address belongs to; an unknown address becomes the given customer's
    (a phone ticket's caller) or a new customer's, in ``company`` when they have none."""
    address = draft.to.strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise InvalidAction(gettext("To: “%(address)s” is not an e-mail address.") % {"address": address[:254]}) from exc
    if is_own_address(address):
        raise InvalidAction(gettext("To: %(address)s is our own address.") % {"address": address})
    owner = CustomerEmail.objects.select_related("customer").filter(address=address).first()
    if owner is not None:
        found = owner.customer
    elif customer is not None:
        customer_add_email(customer=customer, address=address)
        found = customer
    else:
        found = customer_for_email(address=address, name=draft.name.strip())
    if company is not None and found.company_id is None:
        Customer.objects.filter(pk=found.pk).update(company=company)
        found.company = company
    return found


def ticket_start_outbound(*, author: User, draft: Outbound, customer: Customer | None = None,
                          company: Company | None = None, from_ticket: Ticket | None = None,
                          at: datetime | None = None) -> Ticket:
    """A new e-mail ticket whose first message is our mail to ``draft.to``, sent through the outbox.

    The ticket then waits for the customer (``wait_for_customer``) or stays open; either way
    no reply is owed until the customer writes, so no reply clock runs. ``from_ticket`` (a
    phone ticket) and the new ticket each get an event naming the other."""
    _require_agent(author)
    subject, text = " ".join(draft.subject.split()), draft.text.strip()
    if not subject:
        raise InvalidAction(gettext("Subject: an e-mail needs a subject."))
    if not text:
        raise InvalidAction(gettext("Text: an empty e-mail cannot be sent."))
    when = at or timezone.now()
    with transaction.atomic():
        recipient = _recipient(draft, customer, company)
        ticket = ticket_create(customer=recipient, subject=subject, channel=Channel.EMAIL,
                               contact_email=draft.to.strip().lower(), product=draft.product,
                               created_at=when, by_user=author)
        language = mail_language(ticket.language)
        context = {**_reply_context(ticket, author, text, language),
                   "subject": ticket_subject(ticket, reply=False), "history": []}
        send_ticket_mail(ticket=ticket, kind="outbound", mail=render_mail("reply", language=language, context=context),
                         author=author, automatic=False, at=when, thread=("", []),
                         event_data={"outbound": True})
        if draft.wait_for_customer:
            ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER, by_user=author, at=when,
                              reason="outbound mail: waiting for the customer's answer")
        if from_ticket is not None:
            ticket_add_event(ticket=ticket, event="outbound_from", by_user=author, at=when,
                             data={"ticket": from_ticket.pk})
            ticket_add_event(ticket=from_ticket, event="outbound_started", by_user=author, at=when,
                             data={"ticket": ticket.pk, "to": ticket.contact_email})
    ticket.refresh_from_db()
    return ticket
