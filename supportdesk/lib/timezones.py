"""Customer time zones learned from the UTC offset of their mail (SPEC §4)."""

from __future__ import annotations

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


# The same zones by their cities: (nominative, genitive, English): "Владивосток" for an
# agent's eyes, "по времени Владивостока" in a customer's mail, "Vladivostok".
ZONE_CITIES: dict[str, tuple[str, str, str]] = {
    "Europe/Kaliningrad": ("Калининград", "Калининграда", "Kaliningrad"),
    "Europe/Moscow": ("Москва", "Москвы", "Moscow"),
    "Europe/Samara": ("Самара", "Самары", "Samara"),
    "Asia/Yekaterinburg": ("Екатеринбург", "Екатеринбурга", "Yekaterinburg"),
    "Asia/Omsk": ("Омск", "Омска", "Omsk"),
    "Asia/Novosibirsk": ("Новосибирск", "Новосибирска", "Novosibirsk"),
    "Asia/Irkutsk": ("Иркутск", "Иркутска", "Irkutsk"),
    "Asia/Yakutsk": ("Якутск", "Якутска", "Yakutsk"),
    "Asia/Vladivostok": ("Владивосток", "Владивостока", "Vladivostok"),
    "Asia/Magadan": ("Магадан", "Магадана", "Magadan"),
    "Asia/Kamchatka": ("Камчатка", "Камчатки", "Kamchatka"),
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
    names = ZONE_CITIES.get(zone)
    if names:
        return f"{names[2] if language.lower().startswith('en') else names[0]} ({offset})"
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
