from __future__ import annotations

from supportdesk.lib.timezones import offset_text, zone_display


def test_offsets_are_written_as_agents_read_them():
    assert offset_text(600) == "UTC+10"
    assert offset_text(-210) == "UTC-3:30"
    assert offset_text(0) == "UTC+0"


def test_zones_are_named_in_the_agents_language():
    assert zone_display("Europe/Moscow", "ru", 180) == "Москва (UTC+3)"
    assert zone_display("Europe/Moscow", "en-us", 180) == "Moscow (UTC+3)"
    assert zone_display("Etc/GMT-5", "ru", 300) == "UTC+5"  # IANA's inverted sign never shown
    assert zone_display("America/New_York", "en", -300) == "America/New York (UTC-5)"
