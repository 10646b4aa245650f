"""``{% ticket_actions %}``: the ticket page's "Actions" card (an open ticket) printed in Python.

Eight forms with a token, a link and a label each cost more as template tags (``{% url %}``,
``{% trans %}``, ``{% csrf_token %}``, ``{% if %}``) than all the queries behind the page. The
markup is byte for byte what the template printed; the labels stay gettext strings (the same
msgids as in the template, so the .po files translate them as before).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from supportdesk.tickets.models import Status
from supportdesk.tickets.templatetags.options import options

register = template.Library()


def _t(text: str) -> str:
    """A label as ``{% trans %}`` prints it: translated, then escaped."""
    return escape(gettext(text))


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
