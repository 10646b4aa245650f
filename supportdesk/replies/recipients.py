"""Who a reply goes to: the reply-all proposal, and the agent's edited To/Cc checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from supportdesk.lib.addresses import (
    is_robot_address,
    split_addresses,
    undeliverable_reason,
    unique_addresses,
)
from supportdesk.policy import get_policy
from supportdesk.replies.mailer import is_own_address
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.services import InvalidAction


@dataclass(frozen=True)
class Recipients:
    to: list[str]
    cc: list[str]


def _listed(text: str) -> list[str]:
    return split_addresses(text)[0]


def _person(address: str) -> bool:
    """Someone a reply can go to: not us, not a robot, an address mail can be delivered to."""
    return (bool(address) and not is_own_address(address) and not is_robot_address(address)
            and not undeliverable_reason(address))


def answered_message(ticket: Ticket) -> Message | None:
    """The message a reply answers: the customer's latest mail (robots' mail is never answered)."""
    return (ticket.messages.filter(kind=Message.Kind.INCOMING, is_robot=False)
            .order_by("-created_at", "-id").first())


def reply_all(ticket: Ticket, conversation: list[Message] | None = None) -> Recipients:
    """Reply-all, as a mail client proposes it and a help desk should: To the sender of the
    message answered (else the ticket's reply address); Cc the ticket's reply address, everyone
    else that message was sent or copied to, and the ticket's other contacts. Never one of our
    own addresses, never a robot (noreply@, mailer-daemon@), no address twice. ``conversation``
    (every entry of the ticket in order, as the ticket page has it) spares the message's query."""
    if conversation is not None:
        message = next((m for m in reversed(conversation)
                        if m.kind == Message.Kind.INCOMING and not m.is_robot), None)
    else:
        message = answered_message(ticket)
    sender = (message.from_addr if message is not None and message.channel == "email" else "").strip().lower()
    to = [sender] if _person(sender) else []
    if not to and ticket.contact_email:
        to = [ticket.contact_email.strip().lower()]
    copied: list[str] = [ticket.contact_email]
    if message is not None:
        copied += _listed(message.to_addrs) + _listed(message.cc_addrs)
    copied += list(ticket.contacts.values_list("email", flat=True))
    cc = [a for a in unique_addresses(copied, exclude=to) if _person(a)]
    return Recipients(to=to, cc=cc)


def check_recipients(*, to_text: str, cc_text: str) -> Recipients:
    """The agent's To and Cc as typed: every piece must be an address, none our support
    mailbox (the mail would come back as a new request), at least one To."""
    to, bad_to = split_addresses(to_text)
    cc, bad_cc = split_addresses(cc_text)
    bad = bad_to + bad_cc
    if bad:
        raise InvalidAction(gettext("Not an e-mail address: %(items)s. Separate addresses with commas.")
                            % {"items": ", ".join(f"“{b}”" for b in bad)})
    unreachable = [a for a in (*to, *cc) if undeliverable_reason(a)]
    if unreachable:  # a mailbox name outside ASCII needs SMTPUTF8, which the outbox does not speak
        raise InvalidAction(gettext("No mail can be delivered to %(address)s: write another address.")
                            % {"address": unreachable[0]})
    own = {e.address.lower() for e in get_policy().emails}
    ours = [a for a in (*to, *cc) if a in own]
    if ours:
        raise InvalidAction(gettext("%(address)s is our own support address: it cannot receive the reply.")
                            % {"address": ours[0]})
    if not to:
        raise InvalidAction(gettext("Give at least one address in “To”."))
    return Recipients(to=to, cc=unique_addresses(cc, exclude=to))


def new_contacts(ticket: Ticket, addresses: Sequence[str]) -> list[str]:
    """Of the addresses a reply went to, the people who become contacts of the ticket."""
    return [a for a in addresses if _person(a) and a != ticket.contact_email.strip().lower()]
