"""Inline OpenPGP signing (RFC 4880 §7, "cleartext signature"): the text a customer signed with
Thunderbird, mutt or Kleopatra arrives between armor lines, its own lines that begin with a dash
escaped ("- "), and a block of base64 after it. The agent reads the text as the customer wrote it;
the signature is not verified (the receiving MTA's Authentication-Results prove senders)."""

from __future__ import annotations

import re

_BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----"
# The armor line, its headers ("Hash: SHA256") and the blank line that ends them; the signed
# text; the signature block. Only complete blocks, each starting a line (not a quoted one).
_SIGNED = re.compile(
    r"^-----BEGIN PGP SIGNED MESSAGE-----[ \t]*\n(?:[A-Za-z][A-Za-z-]*:[^\n]*\n)*[ \t]*\n"
    r"(?P<text>(?:(?!-----BEGIN PGP )[^\n]*\n)*?)"
    r"-----BEGIN PGP SIGNATURE-----[ \t]*\n(?:[^\n]*\n){0,400}?-----END PGP SIGNATURE-----[ \t]*(?:\n|\Z)",
    re.MULTILINE,
)
_DASH_ESCAPED = re.compile(r"^- ", re.MULTILINE)


def strip_cleartext_signature(text: str) -> tuple[str, bool]:
    """(the text without the armor of each complete cleartext-signed block, whether one was
    found). Text around a block stays as it was."""
    if _BEGIN not in text:
        return text, False
    found = False

    def unwrap(match: re.Match[str]) -> str:
        nonlocal found
        found = True
        return _DASH_ESCAPED.sub("", match.group("text"))

    return _SIGNED.sub(unwrap, text), found
