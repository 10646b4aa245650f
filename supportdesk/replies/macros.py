"""Macros: a canned answer plus actions (product, assignee, status), applied in one click.

Everything goes through the ticket services (the lifecycle table, the confirmation to end an
unanswered ticket, the reply clock) inside one transaction: when one step is refused, nothing
of the macro is done and no mail leaves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from supportdesk.accounts.roles import is_agent
from supportdesk.replies.canned import canned_visible, placeholder_values
from supportdesk.replies.models import CannedResponse
from supportdesk.replies.placeholders import fill
from supportdesk.replies.services import canned_text, ticket_reply
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.services import (
    InvalidAction,
    ticket_add_event,
    ticket_assign,
    ticket_lock,
    ticket_set_status,
)
from supportdesk.tickets.services_checklist import ticket_set_product


@dataclass(frozen=True)
class MacroResult:
    ticket: Ticket
    reply: Message | None


def _assignee(macro: CannedResponse, author: User) -> tuple[bool, User | None]:
    """(change it?, to whom)."""
    if macro.assign == CannedResponse.Assign.ME:
        return True, author
    if macro.assign == CannedResponse.Assign.NOBODY:
        return True, None
    if macro.assign == CannedResponse.Assign.USER:
        if macro.assignee is None or not is_agent(macro.assignee):
            raise InvalidAction(gettext("The macro “%(title)s” assigns to an agent who is no longer an agent: "
                                        "edit the macro.") % {"title": macro.title})
        return True, macro.assignee
    return False, None


def _status_reason(macro: CannedResponse, reason: str, confirmed: bool) -> str:
    # A confirmation (ending an unanswered ticket) needs the agent's own reason, not the title.
    return reason.strip()[:200] or ("" if confirmed else f"macro: {macro.title}"[:200])


def macro_apply(*, ticket: Ticket, macro: CannedResponse, author: User, text: str = "",
                confirmed: bool = False, reason: str = "", time_spent: int | None = None) -> MacroResult:
    """Set the product, reply with the macro's answer (``text``, the agent's edit of it, wins
    over the stored one; placeholders left in it are filled now), then set the assignee and
    the status. ``confirmed``/``reason`` as for
    ``ticket_set_status``: ending a ticket without any public reply needs both. ``time_spent``
    is recorded with the reply (a macro without one records none)."""
    if not is_agent(author) or not canned_visible(user=author).filter(pk=macro.pk).exists():
        raise PermissionDenied("this macro is not available to you")
    # A savepoint of its own: a refused step rolls back only the macro, whatever the caller holds.
    with transaction.atomic(), ticket_lock(pk=ticket.pk) as held:
        reply = None
        # The product first: the answer may name it ({product}, {current_release}, {download_link}).
        if macro.set_product_id is not None and macro.set_product_id != held.product_id:
            ticket_set_product(ticket=held, product=macro.set_product, version=held.reported_version, by_user=author)
        if text.strip() or macro.has_text:
            body = (fill(text, placeholder_values(ticket=held, author=author)).text if text.strip()
                    else canned_text(canned=macro, ticket=held, author=author))
            reply = ticket_reply(ticket=held, author=author, text=body, canned=macro, time_spent=time_spent)
        change, assignee = _assignee(macro, author)
        if change and (assignee.pk if assignee else None) != held.assignee_id:
            ticket_assign(ticket=held, assignee=assignee, by_user=author)
        if macro.set_status and macro.set_status != held.status:
            ticket_set_status(ticket=held, status=macro.set_status, by_user=author,
                              reason=_status_reason(macro, reason, confirmed), confirmed=confirmed)
        ticket_add_event(ticket=held, event="macro", by_user=author,
                         data={"macro": macro.pk, "title": macro.title, "reply": reply.pk if reply else None})
    held.refresh_from_db()
    return MacroResult(ticket=held, reply=reply)

