"""Strict parsing of numbers taken from query strings and form fields.

``str.isdigit()`` accepts '²' and '٣', which ``int()`` then refuses or reads as another
number, and a database id column overflows past 2**63 - 1: both used to answer 500.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def parse_positive_int(raw: str, *, maximum: int = MAX_ID) -> int:
    """``raw`` as a whole number 1..maximum written in ASCII digits; ValueError otherwise."""
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"{raw[:40]!r} is not a whole number")
    value = int(raw)
    if not 1 <= value <= maximum:
        raise ValueError(f"{raw[:40]!r} is out of range")
    return value
