"""E-mail address lists as agents type them and mail headers carry them (pure, no Django)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import parseaddr

# Local parts machines send from: never a person to copy on a reply.
_ROBOT_LOCAL = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|noreply-[\w.-]*"
    r"|[\w.-]*-noreply|bounces?(?:[+-][\w.=+-]*)?|mail-?daemon|autoreply|auto-reply"
    r"|microsoftexchange[0-9a-f]{32}|mdaemon|imss)$",
    re.IGNORECASE,
)
# A pragmatic addr-spec: one @, no spaces or list separators, a dotted domain without empty labels.
_ADDRESS = re.compile(r"^[^@\s,;<>()\[\]\"]+@(?:[^@\s,;<>()\[\]\".]+\.)+[^@\s,;<>()\[\]\".]{2,}$")


def is_robot_address(addr: str | None) -> bool:
    if not addr:
        return False
    return bool(_ROBOT_LOCAL.match(addr.rsplit("@", 1)[0]))


def is_valid_address(addr: str) -> bool:
    return bool(_ADDRESS.match(addr)) and len(addr) <= 254


def _pieces(text: str) -> list[str]:
    """Split at commas, semicolons and line breaks outside quotes and angle brackets."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = angle = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch in ",;\n" and not quoted and not angle:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p.strip() for p in pieces if p.strip()]


def split_addresses(text: str) -> tuple[list[str], list[str]]:
    """``"Ivan <ivan@tv.ru>, petr@tv.ru; x@"`` → (["ivan@tv.ru", "petr@tv.ru"], ["x@"]): the
    addresses lower-cased, without duplicates, in the order written, and the pieces that are
    not an address, as written."""
    good: list[str] = []
    bad: list[str] = []
    for piece in _pieces(text or ""):
        _name, addr = parseaddr(piece)
        addr = addr.strip().lower()
        if is_valid_address(addr) and ("<" in piece or addr == piece.lower()):
            if addr not in good:
                good.append(addr)
        else:
            bad.append(piece)
    return good, bad


def unique_addresses(addresses: Iterable[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """Lower-cased, first occurrence kept, without those in ``exclude``."""
    seen = {a.strip().lower() for a in exclude}
    result = []
    for a in addresses:
        a = a.strip().lower()
        if a and a not in seen:
            seen.add(a)
            result.append(a)
    return result
