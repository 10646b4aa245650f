"""The sender's authentication as our own receiving MTA recorded it: RFC 8601
``Authentication-Results`` headers, parsed with ``authres``. Only a header whose authserv-id
names one of our trusted MTAs counts (anyone can write that header into a mail), and of those
only the topmost, the one our MTA added last. Pure: no DNS, no settings."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import authres


class Verdict:
    PASS = "pass"  # noqa: S105 (a verdict, not a password). DMARC passed, or (no DMARC result) DKIM or SPF passed for the From domain
    FAIL = "fail"  # DMARC failed: the From address is forged, or its domain's mail is broken
    NONE = "none"  # no trusted result, or one that proves nothing about the From domain


@dataclass(frozen=True)
class SenderAuth:
    verdict: str
    detail: str  # what the verdict rests on, for the agent: "dmarc=fail header.from=bank.test (mx.ours)"

    @property
    def authenticated(self) -> bool:
        return self.verdict == Verdict.PASS


def _aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment (RFC 7489 §3.1): the same domain or a parent/child of it."""
    domain, from_domain = domain.lower().strip("."), from_domain.lower().strip(".")
    if not domain or not from_domain:
        return False
    return domain == from_domain or from_domain.endswith("." + domain) or domain.endswith("." + from_domain)


def _prop(result: authres.core.AuthenticationResult, kind: str, name: str) -> str:
    for p in result.properties:
        if p.type.lower() == kind and p.name.lower() == name:
            return str(p.value or "").rpartition("@")[2]
    return ""


def _trusted_header(values: Sequence[str], trusted: set[str]) -> authres.AuthenticationResultsHeader | None:
    for value in values:  # topmost first
        try:
            header = authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
        except authres.AuthResError:
            continue
        if str(header.authserv_id or "").lower() in trusted:
            return header
    return None


def sender_authentication(values: Sequence[str], *, trusted_ids: Collection[str], from_domain: str) -> SenderAuth:
    """The verdict on the From domain from the topmost trusted Authentication-Results header."""
    trusted = {i.strip().lower() for i in trusted_ids if i.strip()}
    header = _trusted_header(values, trusted) if trusted else None
    if header is None:
        return SenderAuth(Verdict.NONE, "no Authentication-Results from a trusted server")
    where = f"({header.authserv_id})"
    for r in header.results:
        if r.method.lower() == "dmarc" and r.result.lower() in (Verdict.PASS, Verdict.FAIL):
            shown = _prop(r, "header", "from") or from_domain
            return SenderAuth(r.result.lower(), f"dmarc={r.result.lower()} header.from={shown} {where}")
    for r in header.results:  # no DMARC verdict: an aligned DKIM signature or SPF pass still proves the domain
        if r.result.lower() != Verdict.PASS:
            continue
        if r.method.lower() == "dkim" and _aligned(_prop(r, "header", "d") or _prop(r, "header", "i"), from_domain):
            return SenderAuth(Verdict.PASS, f"dkim=pass header.d={_prop(r, 'header', 'd')} {where}")
        if r.method.lower() == "spf" and _aligned(_prop(r, "smtp", "mailfrom"), from_domain):
            return SenderAuth(Verdict.PASS, f"spf=pass smtp.mailfrom={_prop(r, 'smtp', 'mailfrom')} {where}")
    summary = " ".join(f"{r.method}={r.result}" for r in header.results) or "none"
    return SenderAuth(Verdict.NONE, f"{summary} {where}")
