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
