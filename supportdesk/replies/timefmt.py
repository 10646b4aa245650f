"""Times for customers' eyes, in Russian or English, in a named zone (pure, no Django).

Rule R0b: every time we give a customer is given in office time and in theirs, so the
zone is always named ("по времени Москвы", "Moscow time").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from supportdesk.lib.timezones import ZONE_CITIES, offset_text

MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
             "октября", "ноября", "декабря")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
WEEKDAYS_RU = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
# "до четверга", "не позднее среды" (genitive); "в среду", "во вторник" (accusative).
WEEKDAYS_RU_GEN = ("понедельника", "вторника", "среды", "четверга", "пятницы", "субботы", "воскресенья")
WEEKDAYS_RU_ACC = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SHORT_DAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
SHORT_DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _is_en(language: str) -> bool:
    return language.lower().startswith("en")


def utc_offset_label(moment: datetime) -> str:
    offset = moment.utcoffset()
    return offset_text(int(offset.total_seconds() // 60) if offset is not None else 0)


def zone_label(zone: str, language: str, moment: datetime) -> str:
    """ "по времени Москвы (UTC+3)" / "Moscow time (UTC+3)"; an unnamed zone by its offset."""
    local = moment.astimezone(ZoneInfo(zone))
    offset = utc_offset_label(local)
    city = ZONE_CITIES.get(zone)
    if _is_en(language):
        return f"{city.english} time ({offset})" if city else offset
    return f"по времени {city.genitive} ({offset})" if city else f"по времени {offset}"


def format_day(day: date, language: str, case: str = "nom") -> str:
    """ "среда, 5 ноября 2025"; ``case`` "gen" gives "среды, 5 ноября 2025" (after "до",
    "не позднее"), "acc" gives "среду, …" (after "в"). English has one form."""
    if _is_en(language):
        return f"{WEEKDAYS_EN[day.weekday()]}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    names = {"nom": WEEKDAYS_RU, "gen": WEEKDAYS_RU_GEN, "acc": WEEKDAYS_RU_ACC}[case]
    return f"{names[day.weekday()]}, {day.day} {MONTHS_RU[day.month - 1]} {day.year}"


def on_day(day: date, language: str) -> str:
    """ "в среду, 5 ноября 2025", "во вторник, …"; "on Wednesday, 5 November 2025"."""
    if _is_en(language):
        return f"on {format_day(day, language)}"
    preposition = "во" if day.weekday() == 1 else "в"
    return f"{preposition} {format_day(day, language, 'acc')}"


@dataclass(frozen=True)
class MomentText:
    """One moment in the forms a sentence needs; printed as is, it is the nominative.

    ``nom``: "среда, 5 ноября 2025, 05:45 по времени Москвы (UTC+3)";
    ``gen``: "среды, 5 ноября 2025, 05:45 …" — after "до", "не позднее";
    ``on``:  "в среду, 5 ноября 2025, в 05:45 …" — "мы откроемся …", "закроем обращение …".
    """

    nom: str
    gen: str
    on: str

    def __str__(self) -> str:
        return self.nom


def format_moment(moment: datetime, zone: str, language: str) -> str:
    """ "среда, 5 ноября 2025, 05:45 по времени Москвы (UTC+3)"."""
    return moment_text(moment, zone, language).nom


def moment_text(moment: datetime, zone: str, language: str) -> MomentText:
    local = moment.astimezone(ZoneInfo(zone))
    day, label = local.date(), zone_label(zone, language, local)
    if _is_en(language):
        plain = f"{format_day(day, language)}, {local:%H:%M} {label}"
        return MomentText(nom=plain, gen=plain, on=f"{on_day(day, language)}, at {local:%H:%M} {label}")
    return MomentText(nom=f"{format_day(day, language)}, {local:%H:%M} {label}",
                      gen=f"{format_day(day, language, 'gen')}, {local:%H:%M} {label}",
                      on=f"{on_day(day, language)}, в {local:%H:%M} {label}")


def _span(days: list[int], language: str) -> str:
    names = SHORT_DAYS_EN if _is_en(language) else SHORT_DAYS_RU
    return names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}"


def hours_in_zone(
    hours: Mapping[int, tuple[time, time] | None], office_zone: str, zone: str, language: str, on: date
) -> str:
    """The weekly hours, converted to ``zone`` on the week of ``on``: "пн–пт 05:00–14:00".

    Consecutive weekdays with the same converted hours are grouped; a time that falls on
    the previous or the next day in ``zone`` is marked so.
    """
    monday = date.fromordinal(on.toordinal() - on.weekday())
    office, there = ZoneInfo(office_zone), ZoneInfo(zone)
    groups: list[tuple[list[int], str]] = []
    for weekday in range(7):
        span = hours.get(weekday)
        if span is None:
            continue
        day = date.fromordinal(monday.toordinal() + weekday)
        start = datetime.combine(day, span[0], office).astimezone(there)
        end = datetime.combine(day, span[1], office).astimezone(there)
        text = f"{start:%H:%M}{_day_shift(start.date(), day, language)}–{end:%H:%M}" \
               f"{_day_shift(end.date(), day, language)}"
        if groups and groups[-1][1] == text and groups[-1][0][-1] == weekday - 1:
            groups[-1][0].append(weekday)
        else:
            groups.append(([weekday], text))
    return ", ".join(f"{_span(days, language)} {text}" for days, text in groups)


def _day_shift(local: date, office_day: date, language: str) -> str:
    delta = (local - office_day).days
    if delta == 0:
        return ""
    if _is_en(language):
        return " (next day)" if delta > 0 else " (previous day)"
    return " (следующего дня)" if delta > 0 else " (предыдущего дня)"
