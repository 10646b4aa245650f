"""Header values → clean text: RFC 2047 (including the broken kinds), addresses, ids, dates."""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_tz

from .charsets import decode_bytes, to_bytes

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?]*?)\?=")
_WS = re.compile(r"\s+")
_BETWEEN_WORDS = re.compile(r"\s*")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_BARE_ADDR = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_NAME_QUOTES = "\"' "
_VALID_ADDR = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _word_bytes(enc: str, payload: str) -> bytes:
    if enc in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        cleaned = cleaned[: len(cleaned) - len(cleaned) % 4 if len(cleaned) % 4 == 1 else None]
        try:
            return binascii.a2b_base64(cleaned + "=" * (-len(cleaned) % 4))
        except (binascii.Error, ValueError):
            return b""
    raw = to_bytes(payload.replace("_", " "))
    return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def decode_header_text(value: str | None, defects: list[str] | None = None) -> str:
    """Decode RFC 2047 words leniently and normalise whitespace. Never raises.

    Adjacent encoded words are joined as bytes before decoding, which repairs
    multi-byte characters split across words; raw 8-bit text is charset-guessed.
    """
    if not value:
        return ""
    runs: list[tuple[str | None, bytes]] = []  # (charset or None for literal text, bytes)
    pos = 0
    last_was_word = False
    for m in _ENCODED_WORD.finditer(value):
        literal = value[pos : m.start()]
        if literal and not (last_was_word and not literal.strip()):
            runs.append((None, to_bytes(literal)))
        charset = m.group(1).split("*", 1)[0]
        data = _word_bytes(m.group(2), m.group(3))
        if runs and runs[-1][0] is not None and runs[-1][0].lower() == charset.lower() and last_was_word:
            runs[-1] = (runs[-1][0], runs[-1][1] + data)
        else:
            runs.append((charset, data))
        pos = m.end()
        last_was_word = True
    if pos < len(value):
        runs.append((None, to_bytes(value[pos:])))
    hint = next((cs for cs, _ in runs if cs), None)
    parts = []
    for charset, data in runs:
        text, _used, defect = decode_bytes(data, charset)
        if defect and defects is not None:
            defects.append(f"header: {defect}")
        if charset is None and not data.isascii() and defects is not None and hint is None:
            defects.append("header: raw 8-bit text")
        parts.append(text)
    return _WS.sub(" ", "".join(parts)).strip()


# The common single-address forms, parsed without the general (slow) parser.
_SIMPLE_ADDR = re.compile(
    r'^\s*(?:"([^"\\]*)"|([^"<>,;:@()\\]*?))?\s*<([^<>\s,;:"()\\]+@[^<>\s,;:"()\\]+)>\s*$'
    r'|^\s*([^<>\s,;:"()\\]+@[^<>\s,;:"()\\]+)\s*$'
)


def parse_addresses(values: list[str], defects: list[str] | None = None) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs from address header values."""
    out: list[tuple[str, str]] = []
    for value in values:
        simple = _SIMPLE_ADDR.match(value)
        if simple:
            name = simple.group(1) or simple.group(2) or ""
            addr = simple.group(3) or simple.group(4)
            out.append((decode_header_text(name).strip(_NAME_QUOTES), addr.lower()))
            continue
        try:
            pairs = getaddresses([value])
        except Exception:  # noqa: BLE001 - a malformed header is the sender's fault
            pairs = []
        found = [(n, a) for n, a in pairs if "@" in a]
        if not found:
            # Strict parsing refuses odd headers; keep any address-looking token.
            found = [("", a) for a in _BARE_ADDR.findall(value)]
            if found and defects is not None:
                defects.append("header: malformed address list")
        for name, addr in found:
            addr = decode_header_text(addr).strip("<>\"' ").lower()
            if not _VALID_ADDR.match(addr):
                if defects is not None:
                    defects.append("header: invalid address")
                continue
            out.append((decode_header_text(name).strip(_NAME_QUOTES), addr))
    return out


def first_id(value: str | None) -> str | None:
    """A message id without angle brackets (the first one when several are given)."""
    ids = all_ids(value)
    return ids[0] if ids else None


def all_ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    found = _ANGLE_ID.findall(value)
    if found:
        return tuple(dict.fromkeys(found))
    tokens = [t.strip("<>,;") for t in value.split()]
    return tuple(dict.fromkeys(t for t in tokens if "@" in t))


def parse_date(value: str | None, defects: list[str] | None = None) -> tuple[datetime | None, int | None]:
    """Aware datetime and the sender's UTC offset in minutes (None when unknown)."""
    if not value:
        return None, None
    try:
        parts = parsedate_tz(_WS.sub(" ", value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        parts = None
    if parts is None:
        if defects is not None:
            defects.append("header: unparseable Date")
        return None, None
    offset_s = parts[9]
    # RFC 5322 §3.3: "-0000" means the zone is unknown, not UTC.
    if offset_s is not None and (abs(offset_s) > 14 * 3600 or re.search(r"-0000\b", value)):
        offset_s = None
    tz = timezone(timedelta(seconds=offset_s)) if offset_s is not None else UTC
    try:
        when = datetime(*parts[:6], tzinfo=tz).astimezone(UTC)  # type: ignore[misc]
    except (ValueError, OverflowError, TypeError):
        if defects is not None:
            defects.append("header: invalid Date")
        return None, None
    return when, (offset_s // 60 if offset_s is not None else None)
