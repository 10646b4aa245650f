"""The portal form as a request channel, only where the policy enables it (rule 4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.catalog.models import Product
from supportdesk.customers.services import customer_for_email
from supportdesk.policy import get_policy
from supportdesk.tickets import services as tickets
from supportdesk.tickets.models import Channel, Message, Ticket
from supportdesk.tickets.signals import request_received


class WebRequestError(ValueError):
    pass


def web_request_create(*, email: str, name: str, subject: str, body: str, product: Product | None,
                       language: str) -> Ticket:
    """A ticket with channel "web"; the acknowledgment follows through request_received."""
    if not get_policy().channels.web_form:
        raise WebRequestError(_("The web form is not a support channel; please send an e-mail."))
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise WebRequestError(_("Please give a valid e-mail address for our answer.")) from exc
    with transaction.atomic():
        customer = customer_for_email(address=email, name=name.strip()[:200], language=language)
        ticket = tickets.ticket_create(customer=customer, subject=subject or _("Request from the web form"),
                                       channel=Channel.WEB, contact_email=email, language=language,
                                       product=product)
        message = tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, channel=Channel.WEB,
                                             body_text=body, subject=subject, author_customer=customer,
                                             from_addr=email)
        request_received.send(sender=Ticket, ticket=ticket, message=message, is_new_ticket=True,
                              language=language, utc_offset=None, attachments=(), channel=Channel.WEB)
    return ticket
