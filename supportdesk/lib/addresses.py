"""E-mail address lists as agents type them and mail headers carry them, and addresses as SMTP
carries them (pure, no Django)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import parseaddr

import idna

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


_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")
_IPV4_LITERAL = re.compile(r"^\[(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\]$")
# RFC 5321 §4.1.2: a mailbox name is a dot-atom of atext or a quoted string of printable ASCII.
_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_QUOTED = re.compile(r'^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$')


def ascii_domain(text: str) -> str:
    """A mail domain as DNS and SMTP know it: lower case, no trailing dot, IDNA 2008 for
    non-ASCII labels (``почта.рф`` → ``xn--80a1acny.xn--p1ai``); "" when it cannot be one."""
    domain = text.strip().rstrip(".").lower()
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError:
            return ""
    return domain if len(domain) <= 253 and _DOMAIN.match(domain) else ""


class UndeliverableAddress(ValueError):
    """The address cannot be written into an SMTP envelope; ``str()`` says why."""


def smtp_address(address: str) -> str:
    """``address`` as an SMTP envelope and an ASCII header carry it (the domain by
    ``ascii_domain``, an IPv4 literal as it is); raises UndeliverableAddress with the reason when
    there is none: a broken From header (``ivan@v^т!``, ``a@b.ru[10.0.0.1]``), or a mailbox name
    outside ASCII, which needs SMTPUTF8 (RFC 6531), which the outbox does not speak."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise UndeliverableAddress(f"{address!r} is no e-mail address")
    if not local.isascii():
        raise UndeliverableAddress(f"the mailbox name {local!r} is not ASCII (it needs SMTPUTF8)")
    if not (_DOT_ATOM.match(local) or _QUOTED.match(local)) or len(local) > 64:
        raise UndeliverableAddress(f"the mailbox name {local!r} is not one SMTP can carry")
    carried = domain if _IPV4_LITERAL.match(domain) else ascii_domain(domain)
    if not carried:
        what = "no valid internationalised name" if not domain.isascii() else "no mail domain"
        raise UndeliverableAddress(f"the domain {domain!r} is {what}")
    if len(local) + 1 + len(carried) > 254:
        raise UndeliverableAddress(f"{address!r} is longer than SMTP allows")
    return f"{local}@{carried}"


def undeliverable_reason(address: str) -> str:
    """Why mail cannot go to ``address``; "" when it can."""
    try:
        smtp_address(address)
    except UndeliverableAddress as exc:
        return str(exc)
    return ""
