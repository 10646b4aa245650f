"""``{% ticket_card %}`` and ``{% ticket_actions %}``: the ticket page's "Ticket" card and its
"Actions" card (an open ticket) printed in Python.

Eight forms with a token, a link and a label each cost more as template tags (``{% url %}``,
``{% trans %}``, ``{% csrf_token %}``, ``{% if %}``) than all the queries behind the page. The
markup is byte for byte what the template printed; the labels stay gettext strings, written
``_("...")`` so that makemessages finds them (the same msgids as in the template: the .po files
translate them as before), and are escaped as ``{% trans %}`` escapes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from supportdesk.tickets.models import Status
from supportdesk.tickets.presenters import state_label
from supportdesk.tickets.templatetags.options import options

register = template.Library()


def _escaped(texts: dict[str, str]) -> dict[str, str]:
    """Labels as ``{% trans %}`` prints them: translated (the ``_()`` calls are outside the
    f-strings, where makemessages finds them), then escaped."""
    return {key: str(conditional_escape(text)) for key, text in texts.items()}


def _e(value: Any) -> str:
    """A value as ``{{ value }}`` prints it (autoescaped; a safe string as it is)."""
    return str(conditional_escape(value))


def _local(moment: datetime, zone: str) -> str:
    """``{{ moment|timezone:zone|date:"d.m.Y H:i" }}``."""
    return _e(date_filter(do_timezone(moment, zone), "d.m.Y H:i"))


def _reply_due(ticket: Any, office_zone: str) -> str:
    due = ticket.reply_due_at
    if not due:
        return ""
    t = _escaped({
        "office": _("office"),
        "customer": _("customer"),
    })
    out = f'<br>{_local(due, office_zone)} <span class="muted small">{t["office"]}</span>'
    customer_zone = ticket.customer.timezone
    if customer_zone and customer_zone != office_zone:
        out += f'<br>{_local(due, customer_zone)} <span class="muted small">{t["customer"]}</span>'
    return out


@register.simple_tag(takes_context=True)
def ticket_card(context: template.Context) -> SafeString:
    t = _escaped({
        "Ticket": _("Ticket"),
        "Status": _("Status"),
        "Priority": _("Priority"),
        "Team": _("Team"),
        "Channel": _("Channel"),
        "Reply due": _("Reply due"),
        "Resolution time": _("Resolution time"),
        "(business time, net of pauses)": _("(business time, net of pauses)"),
        "Product": _("Product"),
        "Assignee": _("Assignee"),
        "Continues": _("Continues"),
        "unrouted": _("unrouted"),
    })
    ticket = context["ticket"]
    labels = context["labels"]
    state = context["state"]
    team = ticket.team
    product = ticket.product
    assignee = ticket.assignee
    waiting = ticket.waiting_release
    # {% blocktrans %}: the msgid translated, the variables escaped.
    sla = _("SLA: %(name)s") % {"name": _e(context["sla_label"])}
    if ticket.sla_tier:
        sla += " · " + _("contract tier %(tier)s") % {"tier": _e(ticket.sla_tier)}
    lines = [
        f'<div class="card"><h2 style="margin-top:0">{t["Ticket"]}</h2>',
        '<dl class="kv">',
        f'<dt>{t["Status"]}</dt><dd><span class="status" id="ticket-status">{_e(labels["status"])}</span>'
        + (f'<br><span class="small">{_e(waiting)}</span>' if waiting else "") + "</dd>",
        f'<dt>{t["Priority"]}</dt><dd><span class="priority priority-{_e(ticket.priority)}" id="ticket-priority">'
        f'{_e(labels["priority"])}</span><br><span class="small muted" id="ticket-sla">{sla}</span></dd>',
        f'<dt>{t["Team"]}</dt><dd id="ticket-team">{_e(team.name) if team and team.name else t["unrouted"]}</dd>',
        f'<dt>{t["Channel"]}</dt><dd>{_e(labels["channel"])}</dd>',
        # The badge as tickets/_badge.html prints it, with the newline that ends that file.
        f'<dt>{t["Reply due"]}</dt><dd><span class="badge {_e(state)}">{_e(state_label(state))}</span>\n'
        f'{_reply_due(ticket, context["policy"].office.timezone)}</dd>',
        f'<dt>{t["Resolution time"]}</dt><dd>{_e(context["resolution"])} '
        f'<span class="muted small">{t["(business time, net of pauses)"]}</span></dd>',
        f'<dt>{t["Product"]}</dt><dd>{_e((product.name if product else "") or "—")} {_e(ticket.reported_version)}</dd>',
        f'<dt>{t["Assignee"]}</dt><dd>'
        f'{_e(assignee.get_full_name() or assignee.username) if assignee else "—"}</dd>',
        (f'<dt>{t["Continues"]}</dt><dd><a href="{reverse("tickets:detail", args=[ticket.follows_up_id])}">'
         f'#{ticket.follows_up_id}</a></dd>' if ticket.follows_up_id else ""),
        "</dl></div>",
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped


def _release_options(releases: list[Any]) -> str:
    t = _escaped({
        "no planned release": _("no planned release"),
    })
    if not releases:
        return f'<option value="">{t["no planned release"]}</option>'
    out = []
    for r in releases:
        planned = f" ({date_format(r.planned_for, 'd.m.Y')})" if r.planned_for else ""
        out.append(f'<option value="{r.pk}">{escape(str(r))}{planned}</option>')
    return "".join(out)


@register.simple_tag(takes_context=True)
def ticket_actions(context: template.Context) -> SafeString:
    t = _escaped({
        "Actions": _("Actions"),
        "Solve": _("Solve"),
        "Reopen": _("Reopen"),
        "Close": _("Close"),
        "No public reply yet: solving or closing asks for a reason.": _("No public reply yet: solving or closing asks for a reason."),
        "Priority": _("Priority"),
        "Set priority": _("Set priority"),
        "Team": _("Team"),
        "unrouted": _("unrouted"),
        "Route": _("Route"),
        "Assignee": _("Assignee"),
        "nobody": _("nobody"),
        "Assign": _("Assign"),
        "Take it myself": _("Take it myself"),
        "Release": _("Release"),
        "Wait for release": _("Wait for release"),
        "Product": _("Product"),
        "version": _("version"),
        "Save": _("Save"),
        "ticket number": _("ticket number"),
        "Merge into ticket number": _("Merge into ticket number"),
        "Merge into": _("Merge into"),
    })
    ticket = context["ticket"]
    pk = ticket.pk
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(context["csrf_token"])}">'
    releases = list(context["releases"])
    status = ticket.status
    lines = [
        f'<div class="card actions" id="actions"><h2 style="margin-top:0">{t["Actions"]}</h2>',
        f'<form method="post" action="{reverse("tickets:status", args=[pk])}" class="row" id="status-form">{token}'
        f'<input type="hidden" name="seen" value="{escape(context["seen_marker"])}">',
        (f'<button type="submit" name="status" value="solved" id="solve">{t["Solve"]}</button>'
         if status != Status.SOLVED else ""),
        (f'<button type="submit" name="status" value="open" class="secondary" id="reopen">{t["Reopen"]}</button>'
         if status not in (Status.OPEN, Status.NEW) else ""),
        f'<button type="submit" name="status" value="closed" class="secondary" id="close">{t["Close"]}</button>',
        "</form>",
        (f'<p class="small muted" id="unanswered-note">'
         f'{t["No public reply yet: solving or closing asks for a reason."]}</p>'
         if context["unanswered"] and status != Status.SOLVED else ""),
        f'<form method="post" action="{reverse("tickets:priority", args=[pk])}" class="row" id="priority-form">'
        f'{token}<select name="priority" aria-label="{t["Priority"]}">'
        f'{options(context["priority_choices"], ticket.priority)}</select>'
        f'<button type="submit" class="secondary">{t["Set priority"]}</button></form>',
        f'<form method="post" action="{reverse("tickets:team_route", args=[pk])}" class="row" id="team-form">'
        f'{token}<select name="team" aria-label="{t["Team"]}"><option value="">{t["unrouted"]}</option>'
        f'{options(context["team_choices"], ticket.team_id)}</select>'
        f'<button type="submit" class="secondary">{t["Route"]}</button></form>',
        f'<form method="post" action="{reverse("tickets:assign", args=[pk])}" class="row">'
        f'{token}<select name="assignee" aria-label="{t["Assignee"]}"><option value="">{t["nobody"]}</option>'
        f'{options(context["agent_choices"], ticket.assignee_id)}</select>'
        f'<button type="submit" class="secondary">{t["Assign"]}</button></form>',
        (f'<form method="post" action="{reverse("tickets:take", args=[pk])}">{token}'
         f'<button type="submit" class="link" id="take">{t["Take it myself"]}</button></form>'
         if ticket.assignee_id != context["user"].pk else ""),
        f'<form method="post" action="{reverse("replies:wait_release", args=[pk])}" class="row" '
        f'id="wait-release-form">{token}',
        f'<select name="release" aria-label="{t["Release"]}">{_release_options(releases)}</select>',
        f'<button type="submit" class="secondary"{"" if releases else " disabled"}>{t["Wait for release"]}</button>'
        "</form>",
        f'<form method="post" action="{reverse("tickets:product", args=[pk])}" class="row">{token}'
        f'<select name="product" aria-label="{t["Product"]}"><option value="">—</option>'
        f'{options(context["product_choices"], ticket.product_id)}</select>'
        f'<input type="text" name="version" value="{escape(ticket.reported_version)}" '
        f'placeholder="{t["version"]}" style="max-width:6rem">'
        f'<button type="submit" class="secondary">{t["Save"]}</button></form>',
        f'<form method="post" action="{reverse("tickets:merge", args=[pk])}" class="row" id="merge-form">{token}'
        f'<input type="text" name="target" inputmode="numeric" placeholder="{t["ticket number"]}" '
        f'aria-label="{t["Merge into ticket number"]}"><button type="submit" class="secondary">'
        f'{t["Merge into"]}</button></form>',
        "</div>",
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped
