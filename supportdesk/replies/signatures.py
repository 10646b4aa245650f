"""Signatures under our mail: which ones a mail gets, and editing them (an agent their own,
a supervisor the brand ones and the default)."""

from __future__ import annotations

from types import MappingProxyType

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from supportdesk.accounts.roles import is_agent, is_supervisor
from supportdesk.catalog.models import Brand
from supportdesk.lib import configcache
from supportdesk.replies.canned import placeholder_values
from supportdesk.replies.models import Signature
from supportdesk.replies.placeholders import display_name, fill
from supportdesk.tickets.models import Ticket


def _fill(text: str, values: dict[str, str]) -> str:
    """A signature goes out unread: a line with a placeholder the mail has no value for
    ("Version: {version}" on a ticket without one) is left out whole."""
    kept = []
    for line in text.splitlines():
        filled = fill(line, values)
        if not filled.missing:
            kept.append(filled.text.rstrip())
    return "\n".join(kept).strip()


def _shared_signatures() -> MappingProxyType[int | None, Signature]:
    """The brands' signatures by brand id, the default one under None."""
    return MappingProxyType({s.brand_id: s for s in Signature.objects.exclude(scope=Signature.Scope.AGENT)})


def brand_signature_of(ticket: Ticket) -> Signature | None:
    """The signature of the brand of the ticket's product, else the default one. Read on every
    automatic mail (each acknowledgment): kept per process until one changes (``lib.configcache``)."""
    shared = configcache.cached("replies.signatures", _shared_signatures)
    product = ticket.product if ticket.product_id else None
    if product is not None:
        own = shared.get(product.brand_id)
        if own and own.text_for("ru"):
            return own
    default = shared.get(None)
    return default if default and default.text_for("ru") else None


def connect() -> None:
    post_save.connect(configcache.config_changed, sender=Signature, dispatch_uid="configcache.signature.saved")
    post_delete.connect(configcache.config_changed, sender=Signature, dispatch_uid="configcache.signature.deleted")


def mail_signatures(*, ticket: Ticket, author: User | None, language: str, automatic: bool) -> dict[str, str]:
    """The mail context's ``agent_signature`` (the author's, else their name) and
    ``brand_signature`` ("" = the templates' built-in team lines). Automatic mail gets the
    brand one only when it is marked for automatic mail, and never an agent's."""
    values = placeholder_values(ticket=ticket, author=author)
    if automatic:  # automatic mail may go to a forged sender: never repeat the name they gave
        values["customer_name"] = ""
    agent = ""
    if author is not None and not automatic:
        own = Signature.objects.filter(scope=Signature.Scope.AGENT, user=author).first()
        agent = _fill(own.text_for(language), values) if own else ""
        agent = agent or display_name(author)
    brand = brand_signature_of(ticket)
    brand_text = ""
    if brand is not None and (brand.in_automatic or not automatic):
        brand_text = _fill(brand.text_for(language), values)
    return {"agent_signature": agent, "brand_signature": brand_text}


def signature_for(*, user: User | None = None, brand: Brand | None = None) -> Signature:
    """The stored signature of an agent, a brand, or the default (neither given); a new
    unsaved one when there is none yet."""
    if user is not None:
        return Signature.objects.filter(user=user).first() or Signature(scope=Signature.Scope.AGENT, user=user)
    if brand is not None:
        return Signature.objects.filter(brand=brand).first() or Signature(scope=Signature.Scope.BRAND, brand=brand)
    return (Signature.objects.filter(scope=Signature.Scope.DEFAULT).first()
            or Signature(scope=Signature.Scope.DEFAULT))


def signature_can_edit(*, user: User, signature: Signature) -> bool:
    if signature.scope == Signature.Scope.AGENT:
        return signature.user_id == user.pk and is_agent(user)
    return is_supervisor(user)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def signature_save(*, by: User, signature: Signature, text: str, text_en: str, in_automatic: bool) -> Signature:
    """Store a signature (``ValidationError`` naming the field for an unknown placeholder)."""
    if not signature_can_edit(user=by, signature=signature):
        raise PermissionDenied("not yours to edit")
    signature.text, signature.text_en = _lines(text), _lines(text_en)
    signature.in_automatic = in_automatic and signature.scope != Signature.Scope.AGENT
    signature.full_clean(validate_unique=False)
    with transaction.atomic():
        signature.save()
    return signature
