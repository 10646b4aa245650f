"""The completeness check (rule 5) applied to tickets: every customer message is checked;
an agent's decision and an item already present are never taken back."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from supportdesk.catalog.models import Product
from supportdesk.checklist import AttachmentInfo, ChecklistResult, ProductSpec, check_request
from supportdesk.policy import get_policy
from supportdesk.policy.model import Product as PolicyProduct
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.services import ticket_set_checklist, ticket_set_product


@lru_cache(maxsize=2)
def _specs(products: tuple[PolicyProduct, ...]) -> tuple[ProductSpec, ...]:
    return tuple(ProductSpec(key=p.key, name=p.name, aliases=p.aliases) for p in products)


def product_specs() -> tuple[ProductSpec, ...]:
    """The policy's products as the checklist sees them (the live policy, cached per value)."""
    return _specs(get_policy().products)


def new_text(message: Message) -> str:
    """What the customer wrote this time: quoted history excluded."""
    end = message.quoted_start if message.quoted_start is not None else len(message.body_text)
    return message.body_text[:end]


def check_message(message: Message, attachments: Sequence[AttachmentInfo] = ()) -> ChecklistResult:
    return check_request(text=new_text(message), subject=message.subject or message.ticket.subject,
                         attachments=attachments, products=product_specs())


def _version_set_by_agent(ticket: Ticket) -> bool:
    return (ticket.checklist or {}).get("version", {}).get("source") == "agent"


def apply_check(*, ticket: Ticket, result: ChecklistResult) -> Ticket:
    """Store the result as the automatic checklist and fill product/version if nobody has."""
    items = {key: (bool(getattr(result, key)), result.evidence.get(key, ""))
             for key in ("description", "steps", "version", "settings")}
    ticket = ticket_set_checklist(ticket=ticket, items=items, source="auto")
    if _version_set_by_agent(ticket):
        return ticket
    product = ticket.product
    if product is None and result.product_key:
        product = Product.objects.filter(key=result.product_key).first()
    version = ticket.reported_version or (result.version or "")
    if product != ticket.product or version != ticket.reported_version:
        ticket = ticket_set_product(ticket=ticket, product=product, version=version, by_user=None)
    return ticket
