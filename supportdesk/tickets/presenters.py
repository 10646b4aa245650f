"""Small view-model helpers shared by the agent pages (no queries)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.db import models
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from supportdesk.lib.timezones import zone_display
from supportdesk.policy import get_policy
from supportdesk.policy.model import DEFAULT_SLA_KEY, SlaPolicy
from supportdesk.sla.clock import PAUSED, reply_clock_state
from supportdesk.tickets.models import PAUSED_STATUSES, Channel, Message, Priority, Status, Ticket

NO_CLOCK = "none"


def sla_state(ticket: Ticket, now: datetime) -> str:
    """The reply clock's state for the queue badge."""
    if ticket.is_paused:
        return PAUSED
    if ticket.reply_due_at is None or ticket.reply_target_at is None:
        return NO_CLOCK
    return reply_clock_state(now, ticket.reply_target_at, ticket.reply_due_at, False)


def format_business_seconds(seconds: float | None) -> str:
    from django.utils.translation import gettext as _

    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


# "On Fri, ... Ivan wrote:" / "пятница, ... Иван пишет:" followed by "> " lines: the quoted history
# of a mail whose intake (or our own reply composer) did not mark where the quote starts.
_ATTRIBUTION = re.compile(r"^[^\n]*(?:wrote|пишет|написал[а]?)\s*:\s*\n(?=>)", re.M | re.I)
_FIRST_QUOTE = re.compile(r"^>", re.M)


def split_quoted(text: str, quoted_start: int | None) -> tuple[str, str]:
    """(new text, quoted history) so the page can fold the history."""
    if quoted_start is None:
        found = _ATTRIBUTION.search(text) or _FIRST_QUOTE.search(text)
        quoted_start = found.start() if found else None
    if quoted_start is None or quoted_start <= 0 or quoted_start >= len(text):
        return text, ""
    return text[:quoted_start].rstrip(), text[quoted_start:]


def checklist_rows(ticket: Ticket, items: tuple) -> list[tuple[object, dict]]:
    """The policy's four request items paired with the ticket's checklist entries."""
    checklist = ticket.checklist or {}
    rows = []
    for item in items:
        entry = dict(checklist.get(item.key) or {"present": False, "source": "", "evidence": ""})
        entry["evidence"] = evidence_text(entry.get("evidence") or "")
        rows.append((item, entry))
    return rows


def _status_label(code: object) -> str:
    try:
        return str(Status(str(code)).label)
    except ValueError:
        return str(code)


def _choice_label(choices: type[models.TextChoices], code: str) -> str:
    """What get_FOO_display() prints, without it rebuilding (and translating) the field's whole
    choice map on every call."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def ticket_labels(ticket: Ticket) -> dict[str, str]:
    """The ticket's status, priority and channel as the page prints them."""
    return {"status": _choice_label(Status, ticket.status), "priority": _choice_label(Priority, ticket.priority),
            "channel": _choice_label(Channel, ticket.channel)}


def other_ticket_rows(tickets: list[Ticket], detail_url: str) -> list[dict[str, object]]:
    """The customer's other tickets as the ticket page lists them (``detail_url``: ticket 0's page)."""
    return [{"pk": t.pk, "url": detail_url.replace("0", str(t.pk)), "subject": Truncator(t.subject).chars(40),
             "status_label": _choice_label(Status, t.status)} for t in tickets]


def _priority_label(code: object) -> str:
    try:
        return str(Priority(str(code)).label)
    except ValueError:
        return str(code)


def sla_policy_label(sla: SlaPolicy) -> str:
    """An SLA policy's name in the page's language; the default one is "standard"."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    if sla.key == DEFAULT_SLA_KEY:
        return _("standard")
    return (sla.name_en if get_language() == "en" and sla.name_en else sla.name) or sla.key


def event_text(event: str, data: dict) -> str:
    """A readable, translated line for a system event in the conversation."""
    from django.utils.translation import gettext as _

    data = data or {}
    if event == "status":
        line = _("status changed to “%(status)s”") % {"status": _status_label(data.get("to"))}
        # The reason an agent typed to confirm ending a ticket without a reply.
        return f"{line}: {data['reason']}" if data.get("confirmed") and data.get("reason") else line
    if event == "reopened":
        line = _("reopened (it was “%(status)s”)") % {"status": _status_label(data.get("from"))}
        return f"{line}: {data['reason']}" if data.get("reason") else line
    if event == "contacts":
        return _("customer contacts changed: %(changes)s") % {
            "changes": ", ".join(str(v) for v in (data.get("email"), data.get("phone")) if v)}
    if event == "assigned":
        who = data.get("assignee")
        return _("assigned to %(user)s") % {"user": who} if who else _("assignment removed")
    if event == "macro":
        return _("macro “%(title)s” applied") % {"title": data.get("title") or "—"}
    if event == "priority":
        return _("priority changed from “%(from)s” to “%(to)s”") % {
            "from": _priority_label(data.get("from")), "to": _priority_label(data.get("to"))}
    if event == "team":
        return _("routed to team “%(team)s”") % {"team": data.get("team")} if data.get("team") else _("team removed")
    if event == "product":
        return _("product set to %(product)s %(version)s") % {
            "product": data.get("product") or "—", "version": data.get("version") or ""}
    if event == "checklist":
        marks = ", ".join(f"{item_title(k)}: {_('present') if v else _('missing')}" for k, v in data.items())
        return _("checklist changed by the agent (%(items)s)") % {"items": marks}
    if event == "bounced":
        return _("the customer's mail server refused our mail (bounced): the customer must be called")
    if event in ("acknowledgment", "acknowledgment_sent", "ack_sent", "ack"):
        return _("acknowledgment sent")
    if event in ("info_requested", "ask_info", "asked_info", "missing_items_requested"):
        return _("missing information requested from the customer")
    if event in ("reminder", "reminder_sent"):
        return _("reminder sent to the customer")
    if event in ("auto_closed", "autoclosed"):
        return _("closed automatically: no answer from the customer")
    if event in ("release_published", "released"):
        return _("the awaited release was published; the customer was told")
    if event == "split_from":
        return _("split off, with the customer's message, from ticket")
    if event == "split_to":
        return _("a customer's message was split off into ticket")
    if event == "outbound_from":
        return _("e-mail conversation started from ticket")
    if event == "outbound_started":
        return _("e-mail conversation started (%(to)s) as ticket") % {"to": data.get("to") or "—"}
    if event == "tags":
        parts = [_("tags added: %(tags)s") % {"tags": ", ".join(map(str, data["added"]))}] if data.get("added") else []
        if data.get("removed"):
            parts.append(_("tags removed: %(tags)s") % {"tags": ", ".join(map(str, data["removed"]))})
        return "; ".join(parts)
    if event == "merged_into":
        return _("merged into ticket #%(n)s") % {"n": data.get("ticket")}
    if event == "merged_from":
        return _("ticket #%(n)s merged into this one") % {"n": data.get("ticket")}
    if event in ("breached", "sla_breach"):
        return _("reply limit breached: supervisors alerted")
    if event in ("warned", "sla_warning"):
        return _("reply target passed: warning sent")
    if event == "auto_mail_suppressed" and data.get("reason") == "sender_not_authenticated":
        return _("automatic mail not sent: the sender's address failed authentication and may be forged "
                 "(%(detail)s)") % {"detail": data.get("detail") or "—"}
    if event == "customer_away":
        until = parse_date(data.get("until") or "")
        if until is None:
            return _("out-of-office reply: the customer is away")
        return _("out-of-office reply: the customer is away until %(date)s") % {"date": date_format(until, "j E Y")}
    if event == "auto_mail_suppressed":
        return _("automatic mail not sent (%(reason)s)") % {"reason": skip_reason(data.get("reason"))}
    if event == "ack_skipped":
        return _("no acknowledgment sent (%(reason)s)") % {"reason": skip_reason(data.get("reason"))}
    if event == "reminder_skipped":
        return _("no reminder sent (%(reason)s)") % {"reason": skip_reason(data.get("reason"))}
    if event == "history_closed":
        return _("closed on import: old mail from before SupportDesk, kept as history")
    if event == "ack_failed":
        return _("the acknowledgment could not be sent: the error is logged")
    if event == "forward_failed":
        return _("the forward to %(to)s could not be delivered: %(reason)s") % {
            "to": data.get("to") or "—", "reason": data.get("reason") or "—"}
    if event == "checklist_failed":
        return _("the automatic completeness check failed: the error is logged")
    return event.replace("_", " ")


def item_title(key: str) -> str:
    """A checklist item's title in the page's language (the policy names the four items)."""
    from django.utils.translation import get_language

    from supportdesk.policy import get_policy

    for item in get_policy().request_items:
        if item.key == key:
            return str(item.title_en if get_language() == "en" else item.title)
    return key


def evidence_text(evidence: str) -> str:
    """The evidence the completeness check or a call log stored, in the page's language."""
    from django.utils.translation import gettext as _

    if evidence == "phone call":
        return _("given in a phone call")
    if evidence.startswith("attachment: "):
        return _("attachment: %(name)s") % {"name": evidence.removeprefix("attachment: ")}
    return evidence


def skip_reason(code: object) -> str:
    """Why automatic mail was not sent, from the code the mailer records."""
    from django.utils.translation import gettext as _

    reasons = {"daily_limit": _("the daily limit of automatic mail to this address is reached"),
               "own_address": _("the address is our own"), "own_message": _("the mail came from us"),
               "robot": _("the mail came from a robot"), "no_address": _("no e-mail address"),
               "mailing_list": _("the mail came through a mailing list"),
               "undeliverable_address": _("no mail can be delivered to this address"),
               "history": _("old mail imported as history")}
    return reasons.get(str(code), str(code or "—"))


def local_time(now: datetime, zone: str) -> datetime | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return now.astimezone(ZoneInfo(zone)) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_line(zone: str, moment: datetime | None) -> str:
    """The customer's zone in the ticket sidebar, "Владивосток (UTC+10)" (``moment``: now there)."""
    from django.utils.translation import get_language

    offset = moment.utcoffset() if moment else None
    if offset is None:
        return zone
    return zone_display(zone, get_language() or "ru", int(offset.total_seconds() // 60))


def message_title(kind: str, kind_label: str, is_automatic: bool, data: dict, event: str = "") -> str:
    """The header of a conversation entry: automatic mail says what it was."""
    from django.utils.translation import gettext as _

    if kind == "note" and event == "forward":
        return _("Forwarded to %(to)s") % {"to": ", ".join((data or {}).get("forward", {}).get("to") or [])}
    if kind == "note" and event == "forward_reply":
        return _("Answer to a forward (internal)")
    if kind != "outgoing" or not is_automatic:
        return kind_label
    mail_kind = (data or {}).get("kind", "")
    titles = {
        "acknowledgment": _("Acknowledgment sent"),
        "ack": _("Acknowledgment sent"),
        "reminder": _("Reminder sent"),
        "missing_items": _("Missing information requested"),
        "release": _("Release notice sent"),
        "release_published": _("Release notice sent"),
        "auto_close": _("Closing notice sent"),
    }
    return titles.get(mail_kind, _("Automatic mail sent"))


def state_label(state: str) -> str:
    from django.utils.translation import gettext as _

    return {"on_time": _("on time"), "warning": _("warning"), "breached": _("breached"),
            "paused": _("paused")}.get(state, _("no reply owed"))


def queue_rows(tickets: list[dict[str, Any]], now: datetime, office_zone: str, detail_url: str) -> list[dict]:
    """Everything a queue row prints, computed once in Python from the row's column values
    (selectors.QUEUE_ROW_VALUES): at 50 rows per page the template engine's per-lookup cost,
    not the database, dominated the page time."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(office_zone)
    labels: dict[str, str] = {}
    # Choice labels resolved once per page: get_FOO_display() rebuilds the field's choice map on
    # every call, and a lazy label is translated again wherever the template prints it.
    statuses = {value: str(label) for value, label in Status.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    paused = set(PAUSED_STATUSES)
    rows = []
    for t in tickets:
        pk, due, target = t["id"], t["reply_due_at"], t["reply_target_at"]
        if t["status"] in paused:
            state = PAUSED
        elif due is None or target is None:
            state = NO_CLOCK
        else:
            state = reply_clock_state(now, target, due, False)
        if state not in labels:
            labels[state] = state_label(state)
        if t["assignee__username"] is None:
            assignee = "—"
        else:  # User.get_full_name(), or the login name
            assignee = f"{t['assignee__first_name']} {t['assignee__last_name']}".strip() or t["assignee__username"]
        product = t["product__name"]
        rows.append({
            "pk": pk, "url": detail_url.replace("0", str(pk)), "subject": t["subject"],
            "product": f"{product} {t['reported_version']}".strip() if product is not None else "",
            "incomplete": not t["checklist_complete"], "unreachable": t["unreachable_by_email"],
            "customer": t["customer__name"] or t["contact_email"] or f"#{t['customer_id']}",
            "status": statuses.get(t["status"], t["status"]), "phone": t["channel"] == "phone",
            "channel": channels.get(t["channel"], t["channel"]), "state": state, "state_label": labels[state],
            "due": due.astimezone(zone).strftime("%d.%m.%Y %H:%M") if due else "",
            "assignee": assignee, "priority": t["priority"], "team": t["team__name"] or "",
            "priority_label": "" if t["priority"] == Priority.NORMAL else priorities.get(t["priority"], t["priority"]),
        })
    return rows


# One queue row (queue.html's table body). Built here with str.format because the template
# engine's per-variable cost (lookup, localisation, escaping: ~25 variables and ~10 tags a row,
# 50 rows) was half the page's time. Every value goes through _esc; the markup must stay what the
# template printed (the browser tests and the queue's scripts read it).
_ROW = (
    '\n<tr data-href="{url}" id="t{pk}">\n'
    '  <td class="pick"><input type="checkbox" name="ticket" value="{pk}" form="bulk-form" aria-label="#{pk}"></td>\n'
    '  <td class="num"><a href="{url}">{pk}</a></td>\n'
    '  <td>{priority}<a href="{url}">{subject}</a>{extras}</td>\n'
    '  <td>{customer}</td>\n'
    '  <td><span class="status">{status}</span> <span class="small muted" title="{channel}">{channel_mark}</span></td>\n'
    '  <td class="num"><span class="badge {state}">{state_label}</span>{due}</td>\n'
    '  <td>{assignee}</td>\n'
    '</tr>\n'
)


def _esc(value: object) -> str:
    """What Django's autoescape prints for a plain (not safe) value."""
    return html.escape(str(value))


def queue_rows_html(rows: list[dict[str, Any]], *, incomplete_label: str, unreachable_label: str) -> SafeString:
    """The queue table's rows (``queue_rows`` with their "tags") as HTML, escaped."""
    incomplete = f' <span class="small muted" title="{_esc(incomplete_label)}">◔</span>'
    unreachable = f' <span class="badge breached">{_esc(unreachable_label)}</span>'
    out = []
    for r in rows:
        extras = []
        if r["product"]:
            extras.append(f' <span class="muted small">· {_esc(r["product"])}</span>')
        if r["team"]:
            extras.append(f' <span class="muted small">· {_esc(r["team"])}</span>')
        if r["incomplete"]:
            extras.append(incomplete)
        if r["unreachable"]:
            extras.append(unreachable)
        for tag in r.get("tags", ()):
            extras.append(f' <a class="tag" href="?tag={_esc(quote(tag))}">{_esc(tag)}</a>')
        out.append(_ROW.format(
            url=_esc(r["url"]), pk=int(r["pk"]), subject=_esc(r["subject"]), extras="".join(extras),
            priority=(f'<span class="priority priority-{_esc(r["priority"])}">{_esc(r["priority_label"])}</span> '
                      if r["priority_label"] else ""),
            customer=_esc(r["customer"]), status=_esc(r["status"]), channel=_esc(r["channel"]),
            channel_mark="☎" if r["phone"] else "✉", state=_esc(r["state"]), state_label=_esc(r["state_label"]),
            due=f'<br><span class="small muted">{_esc(r["due"])}</span>' if r["due"] else "",
            assignee=_esc(r["assignee"]),
        ))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


# Events whose line ends with the other ticket's number, shown as a link.
LINKED_EVENTS = ("split_from", "split_to", "outbound_from", "outbound_started")


def annotate_conversation(messages: list[Message]) -> None:
    """Attach the template-only display fields (folded text, event line, title) to each message."""
    for message in messages:
        main_text, quoted_text = split_quoted(message.body_text, message.quoted_start)
        setattr(message, "main_text", main_text)  # noqa: B010
        setattr(message, "quoted_text", quoted_text)  # noqa: B010
        setattr(message, "event_line", event_text(message.event, message.event_data) if message.event else "")  # noqa: B010
        linked = (message.event_data or {}).get("ticket") if message.event in LINKED_EVENTS else None
        setattr(message, "event_link", linked if isinstance(linked, int) and linked > 0 else None)  # noqa: B010
        setattr(message, "title", message_title(message.kind, _choice_label(Message.Kind, message.kind),  # noqa: B010
                                                message.is_automatic, message.event_data, message.event))


def message_author(message: Message) -> str:
    """Who wrote a conversation entry, as the ticket page names them."""
    if message.author_user is not None:
        return str(message.author_user.get_full_name() or message.author_user.get_username())
    if message.author_customer is not None and message.author_customer.name:
        return str(message.author_customer.name)
    return message.from_addr or "SupportDesk"


def excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def change_line(message: Message, zone: str) -> str:
    """One line saying what an entry changed: '12:03 · Борис · Reply: «…»'."""
    from zoneinfo import ZoneInfo

    when = message.created_at.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    if message.kind == Message.Kind.EVENT:
        what = event_text(message.event, message.event_data)
    else:
        main_text, _quoted = split_quoted(message.body_text, message.quoted_start)
        what = f"{message.get_kind_display()}: «{excerpt(main_text)}»"
    return f"{when} · {message_author(message)} · {what}"


def change_lines(messages: list[Message]) -> list[dict[str, object]]:
    """``change_line`` of each entry, with its id for a link to it in the conversation."""
    zone = get_policy().office.timezone
    return [{"pk": m.pk, "text": change_line(m, zone)} for m in messages]
