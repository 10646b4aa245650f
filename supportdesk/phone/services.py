"""The phone channel (rule 4): logging calls as ticket messages, and the CTI event log.

A logged incoming call that did not settle the question is a customer message (it
starts or keeps the reply clock and reopens a waiting ticket); a call in which the
agent answered the customer stops the clock, exactly like a public e-mail reply.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from supportdesk.catalog.models import Product
from supportdesk.customers.models import Customer, CustomerPhone
from supportdesk.customers.services import customer_add_phone, customer_for_phone
from supportdesk.lib.phones import BadPhoneNumber, normalize_phone
from supportdesk.lib.tokens import token_hash
from supportdesk.phone.events import CtiEvent
from supportdesk.phone.models import Call, CtiIntegration
from supportdesk.tickets.clocks import office_calendar
from supportdesk.tickets.models import CHECKLIST_ITEMS, Channel, Message, Ticket
from supportdesk.tickets.services import ticket_add_message, ticket_create
from supportdesk.tickets.services_checklist import ticket_set_checklist
from supportdesk.tickets.signals import request_received

_STATE_ORDER = {Call.State.RINGING: 0, Call.State.ANSWERED: 1, Call.State.ENDED: 2}



def integration_create(*, name: str) -> tuple[CtiIntegration, str]:
    """A new integration and its secret token; only the token's hash is kept."""
    token = secrets.token_urlsafe(32)
    integration = CtiIntegration.objects.create(name=name.strip(), token_sha256=token_hash(token))
    return integration, token


def integration_authenticate(*, name: str, token: str) -> CtiIntegration | None:
    """The enabled integration ``name`` if ``token`` is its secret, compared in constant time."""
    integration = CtiIntegration.objects.filter(name=name, enabled=True).first()
    expected = integration.token_sha256 if integration else token_hash(secrets.token_urlsafe(32))
    if not hmac.compare_digest(token_hash(token), expected):
        return None
    return integration


def is_after_hours(at: datetime) -> bool:
    return not office_calendar().is_open(at)


def _customer_number(direction: str, caller: str, callee: str) -> str:
    raw = caller if direction == Call.Direction.INCOMING else callee
    try:
        return normalize_phone(raw)
    except BadPhoneNumber:
        return ""


def _customer_by_number(e164: str) -> Customer | None:
    found = CustomerPhone.objects.select_related("customer").filter(number=e164).first() if e164 else None
    return found.customer if found else None


def cti_event_apply(*, integration: CtiIntegration, event: CtiEvent) -> Call:
    """Apply one telephony event to the call log. Replays and out-of-order events are harmless:
    state only moves forward, and each timestamp is set once."""
    with transaction.atomic():
        call = (Call.objects.select_for_update()
                .filter(integration=integration, external_id=event.call_id).first())
        if call is None:
            number = _customer_number(event.direction, event.caller, event.callee)
            try:
                with transaction.atomic():
                    call = Call.objects.create(
                        integration=integration, external_id=event.call_id, direction=event.direction,
                        caller=event.caller[:40], callee=event.callee[:40], number=number,
                        customer=_customer_by_number(number), started_at=event.at,
                        after_hours=is_after_hours(event.at), last_event_at=event.at)
            except IntegrityError:  # a concurrent delivery of the same call won the insert
                call = Call.objects.select_for_update().get(integration=integration, external_id=event.call_id)
        fields: set[str] = set()
        if event.at < call.started_at:
            call.started_at, call.after_hours = event.at, is_after_hours(event.at)
            fields |= {"started_at", "after_hours"}
        if event.kind == "answer" and call.answered_at is None:
            call.answered_at = event.at
            fields.add("answered_at")
        if event.kind == "hangup" and call.ended_at is None:
            call.ended_at = event.at
            fields.add("ended_at")
        state = {"newCall": Call.State.RINGING, "answer": Call.State.ANSWERED, "hangup": Call.State.ENDED}[event.kind]
        if _STATE_ORDER[state] > _STATE_ORDER[Call.State(call.state)]:
            call.state = state
            fields.add("state")
        if call.last_event_at is None or event.at > call.last_event_at:
            call.last_event_at = event.at
            fields.add("last_event_at")
        if fields:
            call.save(update_fields=sorted(fields))
    return call


@dataclass(frozen=True)
class CallLog:
    """What the agent wrote down about a call."""

    direction: str
    number: str
    summary: str = ""
    answered: bool = False
    name: str = ""
    subject: str = ""
    checklist: dict[str, bool] | None = None
    product: Product | None = None
    version: str = ""


def _call_data(call: Call, log: CallLog, e164: str) -> dict:
    return {"direction": log.direction, "number": e164, "after_hours": call.after_hours,
            "call": call.pk, "answered": log.answered}


def call_log(*, agent: User, log: CallLog, ticket: Ticket | None = None, call: Call | None = None,
             at: datetime | None = None) -> Call:
    """Log a call: on ``ticket``, or on a new phone ticket for the caller (found by number or created)."""
    e164 = normalize_phone(log.number)
    when = at or timezone.now()
    if call is not None and call.message_id is not None:
        raise ValueError(f"call {call.pk} is already logged on ticket #{call.ticket_id}")
    with transaction.atomic():
        if ticket is not None:
            customer = ticket.customer
            customer_add_phone(customer=customer, number=log.number)
        else:
            customer, _created = customer_for_phone(number=log.number, name=log.name)
        if call is None:
            call = Call(direction=log.direction, started_at=when, ended_at=when, state=Call.State.ENDED,
                        after_hours=is_after_hours(when))
        call = _log_call_row(call, log, e164, customer, agent)
        new_ticket = ticket is None
        if ticket is None:
            ticket = ticket_create(customer=customer, subject=log.subject or log.summary[:80] or "(phone call)",
                                   channel=Channel.PHONE, product=log.product, reported_version=log.version,
                                   created_at=when, by_user=agent)
        data = _call_data(call, log, e164)
        first = None
        if log.direction == Call.Direction.INCOMING and (new_ticket or not log.answered):
            # The customer's words: a request registered on the phone channel.
            first = ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, channel=Channel.PHONE,
                                       body_text=log.summary, author_customer=customer, from_addr=e164,
                                       event_data=data, created_at=when)
            request_received.send(sender=Message, ticket=ticket, message=first, is_new_ticket=new_ticket,
                                  language=ticket.language, utc_offset=None, attachments=(), channel="phone")
        answer = None
        if log.answered or log.direction == Call.Direction.OUTGOING:
            answer = ticket_add_message(ticket=ticket, kind=Message.Kind.CALL, channel=Channel.PHONE,
                                        body_text="" if first else log.summary, author_user=agent,
                                        answers_customer=log.answered, event_data=data, created_at=when)
        if new_ticket and log.checklist:
            ticket_set_checklist(ticket=ticket, source="agent", by_user=agent,
                                 items={k: (bool(v), "phone call") for k, v in log.checklist.items()
                                        if k in CHECKLIST_ITEMS})
        call.ticket = ticket
        call.message = answer or first
        call.save(update_fields=["ticket", "message"])
    return call


def _log_call_row(call: Call, log: CallLog, e164: str, customer: Customer, agent: User) -> Call:
    call.number = e164
    call.customer = customer
    call.agent = agent  # type: ignore[assignment]
    if not call.caller and not call.callee:
        call.caller, call.callee = (e164, "") if log.direction == Call.Direction.INCOMING else ("", e164)
    call.save()
    return call

