"""Removing one person's identifying data from text: pure functions, no database.

An ``Identity`` holds what identifies the person (names, e-mail addresses, phone numbers);
``redact_text`` replaces every occurrence of them (case-insensitive, phone numbers in any of the
ways people write them: +7 913 123-45-67, 8 (913) 1234567, 79131234567) with a marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MARKER = "[удалено]"
# Parts of a name shorter than this are not removed on their own ("Ян" would hit every "янв").
MIN_NAME_PART = 3


@dataclass
class Identity:
    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # any written form; only the digits count

    def add_name(self, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            return
        self.names.add(name)
        self.names.update(part for part in re.split(r"[\s,.\"'()<>]+", name) if len(part) >= MIN_NAME_PART
                          and "@" not in part)

    def pattern(self) -> re.Pattern[str] | None:
        alternatives = [re.escape(e) for e in sorted(self.emails, key=len, reverse=True) if e]
        for phone in sorted(self.phones, key=len, reverse=True):
            digits = re.sub(r"\D", "", phone)
            if len(digits) < 6:
                continue
            # The national part (last 10 digits) with any separators, after an optional +7 / 8 / 7.
            national = digits[-10:]
            sep = r"[\s\-().]*"
            alternatives.append(r"(?:(?:\+?7|8)" + sep + r")?" + sep.join(re.escape(d) for d in national))
        names = sorted(self.names, key=len, reverse=True)
        alternatives += [r"(?<!\w)" + re.escape(n) + r"(?!\w)" for n in names if n]
        if not alternatives:
            return None
        return re.compile("|".join(alternatives), re.IGNORECASE)


def redact_text(text: str, pattern: re.Pattern[str] | None) -> str:
    if not text or pattern is None:
        return text
    return pattern.sub(MARKER, text)


def redact_json(value: Any, pattern: re.Pattern[str] | None) -> Any:
    """Every string inside a JSON value, redacted; the structure kept."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return redact_text(value, pattern)
    if isinstance(value, list):
        return [redact_json(item, pattern) for item in value]
    if isinstance(value, dict):
        return {redact_text(str(k), pattern): redact_json(v, pattern) for k, v in value.items()}
    return value
