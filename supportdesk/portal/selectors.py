"""What the public pages show about support's hours, from the policy and the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from supportdesk.catalog.models import Product, Release
from supportdesk.policy import Policy
from supportdesk.tickets.clocks import calendar_for

MOSCOW = "Europe/Moscow"


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    now_office: datetime
    next_opening: datetime | None  # office time; None while open
    closes_at: datetime | None  # office time; None while closed
    provisional: bool

    def in_zone(self, zone: str) -> datetime | None:
        moment = self.next_opening or self.closes_at
        return moment.astimezone(ZoneInfo(zone)) if moment else None


def open_state(policy: Policy, now: datetime) -> OpenState:
    cal = calendar_for(policy)
    office_now = now.astimezone(policy.office.zone)
    day = cal.day_info(office_now.date())
    if cal.is_open(now):
        return OpenState(True, office_now, None, cal.next_closing(now), day.provisional)
    return OpenState(False, office_now, cal.next_opening(now), None, day.provisional)


def weekly_hours_rows(policy: Policy) -> list[tuple[int, str, str]]:
    """(weekday, open, close) for the working days of an ordinary week, office time."""
    return [(wd, span[0].strftime("%H:%M"), span[1].strftime("%H:%M"))
            for wd, span in sorted(policy.office.hours.items()) if span]


def utc_offset_label(zone: str, at: datetime) -> str:
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def msk_offset_label(zone: str, at: datetime, *, english: bool = False) -> str:
    """'МСК+4' style: the office's offset from Moscow time, as Russians state it."""
    here = at.astimezone(ZoneInfo(zone)).utcoffset()
    moscow = at.astimezone(ZoneInfo(MOSCOW)).utcoffset()
    if here is None or moscow is None:
        return ""
    hours = int((here - moscow).total_seconds() // 3600)
    msk = "MSK" if english else "МСК"
    return msk if hours == 0 else f"{msk}{hours:+d}"


def hours_label(policy: Policy) -> str:
    """'Monday to Friday, 09:00–18:00' (translated), grouping days with the same hours."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    # Russian declines the day names in "from Monday to Friday": separate forms.
    from_names = [pgettext("from day", "Monday"), pgettext("from day", "Tuesday"),
                  pgettext("from day", "Wednesday"), pgettext("from day", "Thursday"),
                  pgettext("from day", "Friday"), pgettext("from day", "Saturday"), pgettext("from day", "Sunday")]
    to_names = [pgettext("to day", "Monday"), pgettext("to day", "Tuesday"), pgettext("to day", "Wednesday"),
                pgettext("to day", "Thursday"), pgettext("to day", "Friday"), pgettext("to day", "Saturday"),
                pgettext("to day", "Sunday")]
    groups: list[tuple[int, int, str, str]] = []
    for wd, start, end in weekly_hours_rows(policy):
        if groups and groups[-1][1] == wd - 1 and groups[-1][2:] == (start, end):
            groups[-1] = (groups[-1][0], wd, start, end)
        else:
            groups.append((wd, wd, start, end))
    parts = []
    for first, last, start, end in groups:
        if first == last:
            parts.append(_("%(day)s, %(start)s–%(end)s") % {"day": names[first], "start": start, "end": end})
        else:
            parts.append(_("%(first)s to %(last)s, %(start)s–%(end)s") % {
                "first": from_names[first], "last": to_names[last], "start": start, "end": end})
    return "; ".join(parts)


@dataclass(frozen=True)
class DownloadRow:
    product_name: str
    version: str
    published_at: datetime | None
    notes: str
    download_url: str


def download_rows(*, english: bool) -> list[DownloadRow]:
    rows = []
    for product in Product.objects.filter(is_active=True).order_by("name"):
        release: Release | None = product.current_release()
        url = (release.download_url if release and release.download_url else "") or product.download_url
        notes = ((release.notes_en or release.notes) if english else release.notes) if release else ""
        rows.append(DownloadRow(product.name, release.version if release else "",
                                release.published_at if release else None, notes, url))
    return rows
