"""Recipient addresses as SMTP carries them: ASCII, an internationalised domain in its IDNA form.

A customer at ``почта.рф`` is reached at ``xn--80a1acny.xn--p1ai``; an address nobody can reach
(a broken From header: ``ivan@v^т!``, ``a@b.ru[10.0.0.1]``, a CR inside) is refused here with the
reason, so the mailer does not queue automatic mail to it and the outbox reports a permanent
failure instead of an "unexpected error" retried for days. A mailbox name outside ASCII needs
SMTPUTF8 (RFC 6531), which the outbox does not speak: such an address is refused too.
"""

from __future__ import annotations

import re

import idna

# RFC 5321 §4.1.2: a dot-atom of atext, or a quoted string of printable ASCII.
_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_QUOTED = re.compile(r'^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$')
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_IPV4_LITERAL = re.compile(r"^\[(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\]$")
MAX_LOCAL = 64
MAX_ADDRESS = 254


class UndeliverableAddress(ValueError):
    """The address cannot be written into an SMTP envelope; ``str()`` says why."""


def smtp_domain(domain: str) -> str:
    """The domain as DNS and SMTP know it: lower case, IDNA for non-ASCII labels."""
    if _IPV4_LITERAL.match(domain):
        return domain
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise UndeliverableAddress(f"the domain {domain!r} is no valid internationalised name ({exc})") from exc
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or len(domain) > 253:
        raise UndeliverableAddress(f"{domain!r} is no mail domain")
    return domain


def smtp_address(address: str) -> str:
    """``address`` in the form an SMTP envelope and an ASCII header carry; raises
    UndeliverableAddress with the reason when there is none."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise UndeliverableAddress(f"{address!r} is no e-mail address")
    if not local.isascii():
        raise UndeliverableAddress(f"the mailbox name {local!r} is not ASCII (it needs SMTPUTF8)")
    if not (_DOT_ATOM.match(local) or _QUOTED.match(local)) or len(local) > MAX_LOCAL:
        raise UndeliverableAddress(f"the mailbox name {local!r} is not one SMTP can carry")
    result = f"{local}@{smtp_domain(domain)}"
    if len(result) > MAX_ADDRESS:
        raise UndeliverableAddress(f"{address!r} is longer than SMTP allows")
    return result


def undeliverable_reason(address: str) -> str:
    """Why mail cannot go to ``address``; "" when it can."""
    try:
        smtp_address(address)
    except UndeliverableAddress as exc:
        return str(exc)
    return ""
