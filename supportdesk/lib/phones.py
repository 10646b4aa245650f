"""Phone numbers normalised to E.164 with Russian defaults."""

from __future__ import annotations

import phonenumbers


class BadPhoneNumber(ValueError):
    pass


def normalize_phone(raw: str, region: str = "RU") -> str:
    """'8 (383) 363-04-62' -> '+73833630462'. Raises BadPhoneNumber with the reason."""
    text = (raw or "").strip()
    if not text:
        raise BadPhoneNumber("empty phone number")
    # Russian trunk prefix "8" followed by ten digits is a national number.
    digits = "".join(ch for ch in text if ch.isdigit())
    if region == "RU" and not text.startswith("+") and len(digits) == 11 and digits[0] in "78":
        text = "+7" + digits[1:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise BadPhoneNumber(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise BadPhoneNumber(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
