"""The completeness check (rule 5) applied to tickets: every customer message is checked;
an agent's decision and an item already present are never taken back."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from supportdesk.catalog.cached import products_by_key
from supportdesk.checklist import AttachmentInfo, ChecklistResult, ProductSpec, check_request
from supportdesk.policy import get_policy
from supportdesk.policy.model import Product as PolicyProduct
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.services_checklist import ticket_apply_auto_check


@lru_cache(maxsize=2)
def _specs(products: tuple[PolicyProduct, ...]) -> tuple[ProductSpec, ...]:
    return tuple(ProductSpec(key=p.key, name=p.name, aliases=p.aliases) for p in products)


def product_specs() -> tuple[ProductSpec, ...]:
    """The policy's products as the checklist sees them (the live policy, cached per value)."""
    return _specs(get_policy().products)


def own_domains() -> tuple[str, ...]:
    """The domains of our own addresses: a quoted message from them is our reply, not the customer's."""
    return tuple(sorted({e.address.rsplit("@", 1)[-1].lower() for e in get_policy().emails}))


def new_text(message: Message) -> str:
    """What the customer wrote this time: quoted history excluded."""
    end = message.quoted_start if message.quoted_start is not None else len(message.body_text)
    return message.body_text[:end]


def check_message(message: Message, attachments: Sequence[AttachmentInfo] = ()) -> ChecklistResult:
    quoted = message.body_text[message.quoted_start:] if message.quoted_start is not None else ""
    return check_request(text=new_text(message), subject=message.subject or message.ticket.subject,
                         attachments=attachments, products=product_specs(), quoted=quoted,
                         own_domains=own_domains())


def apply_check(*, ticket: Ticket, result: ChecklistResult) -> Ticket:
    """Store the result as the automatic checklist and fill product/version if nobody has."""
    # An item the request does not need (steps of a licence question) counts as given, with
    # the question as its evidence, so the acknowledgment does not ask for it.
    items = {key: (bool(getattr(result, key)) or key not in result.missing,
                   result.evidence.get(key) or result.evidence.get("question", ""))
             for key in ("description", "steps", "version", "settings")}
    product = None
    if ticket.product_id is None and result.product_key:
        product = products_by_key().get(result.product_key)
    return ticket_apply_auto_check(ticket=ticket, items=items, product=product, version=result.version or "")
