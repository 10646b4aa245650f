"""The monthly report mailed to the supervisors on the first business day of the month.

A periodic job (``supportdesk.jobs``): on or after the first business day of a month, office
time, the first runner to insert that month's ``MonthlyMailing`` row renders the previous
month's report and puts it in the outbox, in the same transaction; a second runner's insert
fails and it sends nothing. A month missed while the service was down goes out at the next run.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from supportdesk.accounts.roles import SUPERVISORS
from supportdesk.calendar import NONWORKING
from supportdesk.outbox.compose import OutgoingAttachment, build_message
from supportdesk.outbox.services import internal_ref, outbox_enqueue
from supportdesk.policy import get_policy
from supportdesk.policy.public_url import public_url
from supportdesk.reports.export import XLSX_TYPE, tables_xlsx
from supportdesk.reports.models import MonthlyMailing
from supportdesk.reports.query import ReportQuery, month_range
from supportdesk.reports.registry import monthly_reports, previous_month
from supportdesk.tickets.clocks import office_calendar

log = logging.getLogger(__name__)
KIND = "monthly_report"


def first_business_day(month: date) -> date:
    cal = office_calendar()
    day = month.replace(day=1)
    while cal.day_info(day).kind == NONWORKING or cal.day_info(day).opens is None:
        day += timedelta(days=1)
    return day


def supervisor_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=SUPERVISORS, is_active=True).exclude(email="")
    return sorted({e.strip().lower() for e in users.values_list("email", flat=True)})


def render_monthly_mail(month: date, to: list[str]) -> tuple[str, str, bytes]:
    """(subject, raw message id, raw bytes) of the report on ``month`` in the site's language."""
    policy = get_policy()
    start, end = month_range(month)
    query = ReportQuery(start=start, end=end, group="week")
    with translation.override(settings.LANGUAGE_CODE):
        reports = monthly_reports(query)
        link = public_url(reverse("reports:monthly")) + f"?month={month:%Y-%m}"
        context = {"reports": reports, "month": month, "query": query, "link": link}
        subject = _("Monthly support report: %(month)s") % {"month": render_to_string(
            "reports/_month.txt", {"month": month}).strip()}
        text = render_to_string("reports/monthly_mail.txt", context)
        html = render_to_string("reports/monthly_mail.html", context)
        workbook = tables_xlsx([t for r in reports for t in r.tables()])
        message_id, raw = build_message(
            from_addr=policy.support_email, from_name=policy.support.name, to=to, subject=subject, text=text,
            html=html, automatic=True, auto_submitted="auto-generated", language=settings.LANGUAGE_CODE,
            attachments=[OutgoingAttachment(f"report-{month:%Y-%m}.xlsx", XLSX_TYPE, workbook)])
    return subject, message_id, raw


def reports_monthly_mail(now: datetime | None = None) -> date | None:
    """Mail last month's report if today (office time) is on or after this month's first business
    day and nobody mailed it yet; returns the month mailed, None when nothing was due."""
    moment = now or timezone.now()
    today = moment.astimezone(get_policy().office.zone).date()
    if today < first_business_day(today):
        return None
    month = previous_month(today)
    if MonthlyMailing.objects.filter(month=month).exists():
        return None
    to = supervisor_addresses()
    try:
        with transaction.atomic():
            claim = MonthlyMailing.objects.create(month=month, sent_at=moment, recipients=", ".join(to))
            if to:
                subject, message_id, raw = render_monthly_mail(month, to)
                mail = outbox_enqueue(kind=KIND, ref=internal_ref(f"report:{month:%Y-%m}"),
                                      from_addr=get_policy().support_email, to_addrs=to, subject=subject, raw=raw,
                                      message_id=message_id, is_automatic=True, created_at=moment)
                claim.outgoing_id = mail.pk
                claim.save(update_fields=["outgoing_id"])
    except IntegrityError:
        return None  # another runner claimed the month first
    log.info("monthly report for %s mailed to %d supervisors", f"{month:%Y-%m}", len(to))
    return month
