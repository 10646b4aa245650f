"""``{% ticket_card %}`` and ``{% ticket_actions %}``: the ticket page's "Ticket" card and its
"Actions" card (an open ticket) printed in Python.

Eight forms with a token, a link and a label each cost more as template tags (``{% url %}``,
``{% trans %}``, ``{% csrf_token %}``, ``{% if %}``) than all the queries behind the page. The
markup is byte for byte what the template printed; the labels stay gettext strings (the same
msgids as in the template, so the .po files translate them as before).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from supportdesk.tickets.models import Status
from supportdesk.tickets.presenters import state_label
from supportdesk.tickets.templatetags.options import options

register = template.Library()


def _t(text: str) -> str:
    """A label as ``{% trans %}`` prints it: translated, then escaped."""
    return escape(gettext(text))


def _e(value: object) -> str:
    """A value as ``{{ value }}`` prints it (autoescaped; a safe string as it is)."""
    return str(conditional_escape(value))


def _local(moment: object, zone: object) -> str:
    """``{{ moment|timezone:zone|date:"d.m.Y H:i" }}``."""
    return _e(date_filter(do_timezone(moment, zone), "d.m.Y H:i"))


def _reply_due(ticket: Any, office_zone: str) -> str:
    due = ticket.reply_due_at
    if not due:
        return ""
    out = f'<br>{_local(due, office_zone)} <span class="muted small">{_t("office")}</span>'
    customer_zone = ticket.customer.timezone
    if customer_zone and customer_zone != office_zone:
        out += f'<br>{_local(due, customer_zone)} <span class="muted small">{_t("customer")}</span>'
    return out


@register.simple_tag(takes_context=True)
def ticket_card(context: template.Context) -> SafeString:
    ticket = context["ticket"]
    labels = context["labels"]
    state = context["state"]
    team = ticket.team
    product = ticket.product
    assignee = ticket.assignee
    waiting = ticket.waiting_release
    # {% blocktrans %}: the msgid translated, the variables escaped.
    sla = gettext("SLA: %(name)s") % {"name": _e(context["sla_label"])}
    if ticket.sla_tier:
        sla += " · " + gettext("contract tier %(tier)s") % {"tier": _e(ticket.sla_tier)}
    lines = [
        f'<div class="card"><h2 style="margin-top:0">{_t("Ticket")}</h2>',
        '<dl class="kv">',
        f'<dt>{_t("Status")}</dt><dd><span class="status" id="ticket-status">{_e(labels["status"])}</span>'
        + (f'<br><span class="small">{_e(waiting)}</span>' if waiting else "") + "</dd>",
        f'<dt>{_t("Priority")}</dt><dd><span class="priority priority-{_e(ticket.priority)}" id="ticket-priority">'
        f'{_e(labels["priority"])}</span><br><span class="small muted" id="ticket-sla">{sla}</span></dd>',
        f'<dt>{_t("Team")}</dt><dd id="ticket-team">{_e((team.name if team else "") or gettext("unrouted"))}</dd>',
        f'<dt>{_t("Channel")}</dt><dd>{_e(labels["channel"])}</dd>',
        # The badge as tickets/_badge.html prints it, with the newline that ends that file.
        f'<dt>{_t("Reply due")}</dt><dd><span class="badge {_e(state)}">{_e(state_label(state))}</span>\n'
        f'{_reply_due(ticket, context["policy"].office.timezone)}</dd>',
        f'<dt>{_t("Resolution time")}</dt><dd>{_e(context["resolution"])} '
        f'<span class="muted small">{_t("(business time, net of pauses)")}</span></dd>',
        f'<dt>{_t("Product")}</dt><dd>{_e((product.name if product else "") or "—")} {_e(ticket.reported_version)}</dd>',
        f'<dt>{_t("Assignee")}</dt><dd>'
        f'{_e(assignee.get_full_name() or assignee.username) if assignee else "—"}</dd>',
        (f'<dt>{_t("Continues")}</dt><dd><a href="{reverse("tickets:detail", args=[ticket.follows_up_id])}">'
         f'#{ticket.follows_up_id}</a></dd>' if ticket.follows_up_id else ""),
        "</dl></div>",
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped


def _release_options(releases: list[Any]) -> str:
    if not releases:
        return f'<option value="">{_t("no planned release")}</option>'
    out = []
    for r in releases:
        planned = f" ({date_format(r.planned_for, 'd.m.Y')})" if r.planned_for else ""
        out.append(f'<option value="{r.pk}">{escape(str(r))}{planned}</option>')
    return "".join(out)


@register.simple_tag(takes_context=True)
def ticket_actions(context: template.Context) -> SafeString:
    ticket = context["ticket"]
    pk = ticket.pk
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(context["csrf_token"])}">'
    releases = list(context["releases"])
    status = ticket.status
    lines = [
        f'<div class="card actions" id="actions"><h2 style="margin-top:0">{_t("Actions")}</h2>',
        f'<form method="post" action="{reverse("tickets:status", args=[pk])}" class="row" id="status-form">{token}'
        f'<input type="hidden" name="seen" value="{escape(context["seen_marker"])}">',
        (f'<button type="submit" name="status" value="solved" id="solve">{_t("Solve")}</button>'
         if status != Status.SOLVED else ""),
        (f'<button type="submit" name="status" value="open" class="secondary" id="reopen">{_t("Reopen")}</button>'
         if status not in (Status.OPEN, Status.NEW) else ""),
        f'<button type="submit" name="status" value="closed" class="secondary" id="close">{_t("Close")}</button>',
        "</form>",
        (f'<p class="small muted" id="unanswered-note">'
         f'{_t("No public reply yet: solving or closing asks for a reason.")}</p>'
         if context["unanswered"] and status != Status.SOLVED else ""),
        f'<form method="post" action="{reverse("tickets:priority", args=[pk])}" class="row" id="priority-form">'
        f'{token}<select name="priority" aria-label="{_t("Priority")}">'
        f'{options(context["priority_choices"], ticket.priority)}</select>'
        f'<button type="submit" class="secondary">{_t("Set priority")}</button></form>',
        f'<form method="post" action="{reverse("tickets:team_route", args=[pk])}" class="row" id="team-form">'
        f'{token}<select name="team" aria-label="{_t("Team")}"><option value="">{_t("unrouted")}</option>'
        f'{options(context["team_choices"], ticket.team_id)}</select>'
        f'<button type="submit" class="secondary">{_t("Route")}</button></form>',
        f'<form method="post" action="{reverse("tickets:assign", args=[pk])}" class="row">'
        f'{token}<select name="assignee" aria-label="{_t("Assignee")}"><option value="">{_t("nobody")}</option>'
        f'{options(context["agent_choices"], ticket.assignee_id)}</select>'
        f'<button type="submit" class="secondary">{_t("Assign")}</button></form>',
        (f'<form method="post" action="{reverse("tickets:take", args=[pk])}">{token}'
         f'<button type="submit" class="link" id="take">{_t("Take it myself")}</button></form>'
         if ticket.assignee_id != context["user"].pk else ""),
        f'<form method="post" action="{reverse("replies:wait_release", args=[pk])}" class="row" '
        f'id="wait-release-form">{token}',
        f'<select name="release" aria-label="{_t("Release")}">{_release_options(releases)}</select>',
        f'<button type="submit" class="secondary"{"" if releases else " disabled"}>{_t("Wait for release")}</button>'
        "</form>",
        f'<form method="post" action="{reverse("tickets:product", args=[pk])}" class="row">{token}'
        f'<select name="product" aria-label="{_t("Product")}"><option value="">—</option>'
        f'{options(context["product_choices"], ticket.product_id)}</select>'
        f'<input type="text" name="version" value="{escape(ticket.reported_version)}" '
        f'placeholder="{_t("version")}" style="max-width:6rem">'
        f'<button type="submit" class="secondary">{_t("Save")}</button></form>',
        f'<form method="post" action="{reverse("tickets:merge", args=[pk])}" class="row" id="merge-form">{token}'
        f'<input type="text" name="target" inputmode="numeric" placeholder="{_t("ticket number")}" '
        f'aria-label="{_t("Merge into ticket number")}"><button type="submit" class="secondary">'
        f'{_t("Merge into")}</button></form>',
        "</div>",
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped
