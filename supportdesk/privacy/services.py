"""One customer's personal data (152-FZ): hand it over (export) or remove it (erase).

Export: everything SupportDesk holds about the customer — the record, addresses, numbers, every
ticket with its messages and calls, the attachments — as a zip (``data.json`` plus the files).

Erase: the customer's name, addresses and numbers removed from every table that holds them
(tickets and messages, the raw inbound mail, the outbox, calls, portal links, the search index,
Django's admin log); the messages themselves stay, redacted, for the company's record; the
attachments are deleted with their files; one audit entry records who did it and why, naming the
customer by number only. A retention rule in the policy erases, by a job, the customers whose
tickets were all closed more than N years ago.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from supportdesk.accounts.roles import is_supervisor
from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.customers.models import Customer, CustomerEmail, CustomerPhone
from supportdesk.customers.services import customer_erase_record
from supportdesk.lib.blobstore import blob_delete, blob_get
from supportdesk.mail.models import InboundMail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.phone.models import Call
from supportdesk.policy import get_policy
from supportdesk.portal.models import AccessLink
from supportdesk.privacy.redact import MARKER, Identity, redact_json, redact_text
from supportdesk.search import index as search_index
from supportdesk.tickets.models import OPEN_STATUSES, Attachment, Message, Ticket
from supportdesk.tickets.services_bulk import tickets_erase_personal_data

log = logging.getLogger(__name__)


class PrivacyError(Exception):
    """A request about personal data that cannot be carried out; the message says why."""


def _require_supervisor(actor: User | None) -> None:
    """Only supervisors (and the system: the CLI, the retention job) hand over or erase personal data."""
    if actor is not None and not is_supervisor(actor):
        raise PermissionDenied("only supervisors export or erase personal data")


@dataclass(frozen=True)
class ErasureSummary:
    customer_id: int
    tickets: int
    messages: int
    attachments_removed: int
    inbound_mails: int
    outgoing_mails: int
    calls: int


def customer_identity(customer: Customer) -> Identity:
    """What identifies the customer: their name, every address and number they used."""
    identity = Identity()
    identity.add_name(customer.name)
    identity.emails.update(customer.emails.values_list("address", flat=True))
    identity.phones.update(n for pair in customer.phones.values_list("number", "display") for n in pair if n)
    identity.emails.update(a for a in Ticket.objects.filter(customer=customer).values_list("contact_email", flat=True) if a)
    incoming = Message.objects.filter(ticket__customer=customer, kind=Message.Kind.INCOMING)
    identity.emails.update(a for a in incoming.values_list("from_addr", flat=True) if "@" in a)
    identity.phones.update(n for n in Call.objects.filter(customer=customer).values_list("number", flat=True) if n)
    return identity


def _find(customer_ref: str) -> Customer:
    ref = customer_ref.strip()
    query = Customer.objects.filter(pk=int(ref)) if ref.isdigit() else \
        Customer.objects.filter(emails__address=ref.lower())
    customer = query.first()
    if customer is None:
        raise PrivacyError(f"no customer {ref!r} (give the customer's number or one of their e-mail addresses)")
    return customer


def customer_find(customer_ref: str) -> Customer:
    return _find(customer_ref)


# ---- export ----------------------------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def customer_export(*, customer: Customer, actor: User | None) -> bytes:
    """A zip of everything about the customer: data.json and attachments/<ticket>/<message>-<name>."""
    _require_supervisor(actor)
    tickets = list(Ticket.objects.filter(customer=customer).select_related("product").order_by("pk"))
    data: dict[str, Any] = {
        "customer": {
            "id": customer.pk, "name": customer.name, "organization": customer.organization,
            "company": customer.company.name if customer.company_id else None,  # type: ignore[union-attr]
            "language": customer.language, "timezone": customer.timezone, "bought_from": customer.dealer,
            "notes": customer.notes, "created_at": _iso(customer.created_at),
            "emails": list(customer.emails.values_list("address", flat=True)),
            "phones": [{"number": n, "as_written": d, "label": lb} for n, d, lb in
                       customer.phones.values_list("number", "display", "label")],
        },
        "tickets": [],
        "calls": [{"started_at": _iso(c.started_at), "direction": c.direction, "number": c.number,
                   "ticket": c.ticket_id, "answered_at": _iso(c.answered_at), "ended_at": _iso(c.ended_at)}
                  for c in Call.objects.filter(customer=customer).order_by("started_at")],
        "exported_at": _iso(timezone.now()),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for ticket in tickets:
            messages = []
            for message in ticket.messages.exclude(kind=Message.Kind.EVENT).order_by("created_at", "pk"):
                files = []
                for attachment in Attachment.objects.filter(message=message).order_by("pk"):
                    name = f"attachments/{ticket.pk}/{message.pk}-{attachment.pk}-{_safe_name(attachment.filename)}"
                    try:
                        archive.writestr(name, blob_get(attachment.sha256))
                    except FileNotFoundError:
                        name = ""
                    files.append({"filename": attachment.filename, "content_type": attachment.content_type,
                                  "size": attachment.size, "file": name or None})
                messages.append({"at": _iso(message.created_at), "kind": message.kind, "from": message.from_addr,
                                 "to": message.to_addrs, "subject": message.subject, "text": message.body_text,
                                 "attachments": files})
            data["tickets"].append({
                "number": ticket.pk, "subject": ticket.subject, "channel": ticket.channel, "status": ticket.status,
                "product": ticket.product.name if ticket.product else None, "version": ticket.reported_version,
                "created_at": _iso(ticket.created_at), "closed_at": _iso(ticket.closed_at),
                "reply_address": ticket.contact_email, "messages": messages,
            })
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=1))
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT, target=customer,
                 details={"what": "personal data", "tickets": len(tickets)})
    return buffer.getvalue()


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._")
    return cleaned[:100] or "file"


# ---- erasure --------------------------------------------------------------------------------------

def customer_erase(*, customer: Customer, actor: User | None, reason: str, at: datetime | None = None,
                   purge_index: bool = True) -> ErasureSummary:
    """Erase the customer's personal data everywhere (see the module's docstring). One transaction;
    attachment files whose last reference went are deleted after it commits. ``purge_index=False``
    leaves the search index's rewrite to the caller, who erases many customers and purges once."""
    _require_supervisor(actor)
    reason = reason.strip()
    if not reason:
        raise PrivacyError("say why the data is erased (the customer's request, the retention rule, ...)")
    if customer.erased_at is not None:
        raise PrivacyError(f"the personal data of customer #{customer.pk} was already erased on "
                           f"{customer.erased_at:%Y-%m-%d}")
    at = at or timezone.now()
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        identity = customer_identity(customer)
        pattern = identity.pattern()

        def redact(text: str) -> str:
            return redact_text(text, pattern)

        def redact_data(value: Any) -> Any:
            return redact_json(value, pattern)

        emails = {e.lower() for e in identity.emails}
        ticket_ids = list(Ticket.objects.filter(customer=customer).values_list("pk", flat=True))
        inbound_ids = set(Message.objects.filter(ticket_id__in=ticket_ids, inbound__isnull=False)
                          .values_list("inbound_id", flat=True))
        inbound_ids |= set(InboundMail.objects.filter(Q(ticket_id__in=ticket_ids) | Q(from_addr__in=emails))
                           .values_list("pk", flat=True))
        outgoing_filter = Q(ref__in=[f"ticket:{pk}" for pk in ticket_ids]) | Q(recipient__in=emails)
        for address in emails:
            outgoing_filter |= Q(to_addrs__icontains=address)
        erased = tickets_erase_personal_data(customer_id=customer.pk, redact=redact, redact_json=redact_data)

        inbound = 0
        for mail in InboundMail.objects.filter(pk__in=inbound_ids):
            mail.raw = b""
            mail.from_addr = redact(mail.from_addr) if "@" not in mail.from_addr else ""
            mail.subject = redact(mail.subject)
            mail.error = redact(mail.error)
            mail.source_uid = redact(mail.source_uid)
            mail.message_id = redact(mail.message_id)
            mail.dedupe_key = redact(mail.dedupe_key)
            mail.save()
            inbound += 1
        outgoing = 0
        for out in OutgoingMail.objects.filter(outgoing_filter):
            out.raw = b""
            out.to_addrs = redact(out.to_addrs)
            out.recipient = redact(out.recipient)
            out.subject = redact(out.subject)
            out.last_error = redact(out.last_error)
            if out.state in (OutgoingMail.State.PENDING, OutgoingMail.State.SENDING):
                out.state = OutgoingMail.State.SUPPRESSED  # nothing left to send, and no one to send it to
                out.last_error = "recipient's personal data erased"
            out.save()
            outgoing += 1
        calls = 0
        for call in Call.objects.filter(Q(customer=customer) | Q(ticket_id__in=ticket_ids)):
            call.number = ""
            call.caller = redact(call.caller)
            call.callee = redact(call.callee)
            call.save()
            calls += 1
        AccessLink.objects.filter(Q(ticket_id__in=ticket_ids) | Q(email__in=emails)).delete()
        personal_types = ContentType.objects.get_for_models(Customer, CustomerEmail, CustomerPhone, Ticket).values()
        for entry in LogEntry.objects.filter(content_type__in=list(personal_types)):
            repr_before, message_before = entry.object_repr, entry.change_message
            entry.object_repr = redact(entry.object_repr)
            entry.change_message = redact(entry.change_message)
            if (entry.object_repr, entry.change_message) != (repr_before, message_before):
                entry.save(update_fields=["object_repr", "change_message"])
        customer_erase_record(customer=customer, at=at)
        if purge_index:
            search_index.purge("ticket")  # the tickets' documents were rebuilt redacted: the old terms go too
        removable = {sha for sha in erased.attachment_sha256
                     if not Attachment.objects.filter(sha256=sha).exists()}
        audit_record(actor=actor, action=AuditEntry.Action.ERASURE, target=customer,
                     details={"reason": redact(reason), "tickets": erased.tickets, "messages": erased.messages,
                              "attachments": len(erased.attachment_sha256), "inbound_mails": inbound,
                              "outgoing_mails": outgoing, "calls": calls})
        transaction.on_commit(lambda: _remove_blobs(removable))
    return ErasureSummary(customer.pk, erased.tickets, erased.messages, len(removable), inbound, outgoing, calls)


def _remove_blobs(shas: set[str]) -> None:
    for sha in shas:
        if Attachment.objects.filter(sha256=sha).exists():  # shared again since (the same file re-sent)
            continue
        try:
            blob_delete(sha)
        except Exception:
            log.exception("could not remove the attachment file %s of an erased customer", sha)


# ---- retention ------------------------------------------------------------------------------------

def retention_candidates(*, now: datetime, years: int) -> list[Customer]:
    """Customers not yet erased, with no open ticket, whose last ticket closed before the cut-off."""
    cutoff = now - timedelta(days=round(365.25 * years))
    open_ticket = Ticket.objects.filter(customer=OuterRef("pk"), status__in=OPEN_STATUSES)
    return list(Customer.objects.filter(erased_at__isnull=True, tickets__isnull=False)
                .annotate(last_closed=Max("tickets__closed_at"), has_open=Exists(open_ticket))
                .filter(has_open=False, last_closed__lt=cutoff).order_by("pk").distinct())


def privacy_retention_run(now: datetime | None = None) -> str:
    """The periodic job: apply the policy's retention rule (off when it names no years)."""
    years = get_policy().privacy.erase_after_years
    if not years:
        return "off (privacy.erase_after_years is 0)"
    now = now or timezone.now()
    done = 0
    try:
        for customer in retention_candidates(now=now, years=years):
            customer_erase(customer=customer, actor=None, at=now, purge_index=False,
                           reason=f"retention rule: tickets closed more than {years} years ago")
            done += 1
    finally:
        if done:
            search_index.purge("ticket")  # one rewrite of the index for the run, not one per customer
    return f"erased {done} customers"


__all__ = ["MARKER", "ErasureSummary", "PrivacyError", "customer_erase", "customer_export", "customer_find",
           "customer_identity", "privacy_retention_run", "retention_candidates"]
