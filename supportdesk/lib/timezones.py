"""Customer time zones learned from the UTC offset of their mail (SPEC §4)."""

from __future__ import annotations

from typing import NamedTuple

# Russian offsets in minutes -> the zone that owns them.
RUSSIAN_OFFSET_ZONES: dict[int, str] = {
    120: "Europe/Kaliningrad",
    180: "Europe/Moscow",
    240: "Europe/Samara",
    300: "Asia/Yekaterinburg",
    360: "Asia/Omsk",
    420: "Asia/Novosibirsk",
    480: "Asia/Irkutsk",
    540: "Asia/Yakutsk",
    600: "Asia/Vladivostok",
    660: "Asia/Magadan",
    720: "Asia/Kamchatka",
}


class ZoneCity(NamedTuple):
    """A zone's city, as each kind of text names it."""

    nominative: str  # "Владивосток": the agent's sidebar
    genitive: str  # "по времени Владивостока": a customer's mail
    english: str  # "Vladivostok"


# The same zones by their cities.
ZONE_CITIES: dict[str, ZoneCity] = {
    "Europe/Kaliningrad": ZoneCity("Калининград", "Калининграда", "Kaliningrad"),
    "Europe/Moscow": ZoneCity("Москва", "Москвы", "Moscow"),
    "Europe/Samara": ZoneCity("Самара", "Самары", "Samara"),
    "Asia/Yekaterinburg": ZoneCity("Екатеринбург", "Екатеринбурга", "Yekaterinburg"),
    "Asia/Omsk": ZoneCity("Омск", "Омска", "Omsk"),
    "Asia/Novosibirsk": ZoneCity("Новосибирск", "Новосибирска", "Novosibirsk"),
    "Asia/Irkutsk": ZoneCity("Иркутск", "Иркутска", "Irkutsk"),
    "Asia/Yakutsk": ZoneCity("Якутск", "Якутска", "Yakutsk"),
    "Asia/Vladivostok": ZoneCity("Владивосток", "Владивостока", "Vladivostok"),
    "Asia/Magadan": ZoneCity("Магадан", "Магадана", "Magadan"),
    "Asia/Kamchatka": ZoneCity("Камчатка", "Камчатки", "Kamchatka"),
}


def offset_text(minutes: int) -> str:
    """ "UTC+10", "UTC-3:30", "UTC+0"."""
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_display(zone: str, language: str, offset_minutes: int) -> str:
    """A zone as an agent reads it: "Владивосток (UTC+10)", "Vladivostok (UTC+10)"; a fixed
    offset learned from a Date header (``Etc/GMT-5``, whose IANA sign is inverted) as "UTC+5";
    any other zone by its IANA name and offset."""
    offset = offset_text(offset_minutes)
    city = ZONE_CITIES.get(zone)
    if city:
        return f"{city.english if language.lower().startswith('en') else city.nominative} ({offset})"
    if zone.startswith("Etc/") or zone == "UTC":
        return offset
    return f"{zone.replace('_', ' ')} ({offset})"


def zone_for_offset(offset_minutes: int | None) -> str | None:
    """The zone for a Date-header offset; a fixed-offset zone outside Russia's set."""
    if offset_minutes is None:
        return None
    if offset_minutes in RUSSIAN_OFFSET_ZONES:
        return RUSSIAN_OFFSET_ZONES[offset_minutes]
    if offset_minutes % 60 == 0 and -12 * 60 <= offset_minutes <= 14 * 60:
        # IANA's Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
        hours = offset_minutes // 60
        return "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return None
