"""DKIM signing of outgoing mail (dkimpy); key and selector come from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import dkim
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SIGNED_HEADERS = [b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"in-reply-to", b"references",
                  b"reply-to", b"auto-submitted", b"mime-version", b"content-type"]


@lru_cache(maxsize=4)
def _private_key(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"SUPPORTDESK_DKIM_KEY_FILE={path!r}: cannot read ({exc})") from exc


def header_names(raw: bytes) -> set[bytes]:
    """The lower-cased names of the top-level header fields of ``raw``."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    names = set()
    for line in head.splitlines():
        if line[:1] in (b" ", b"\t") or b":" not in line:
            continue  # a folded continuation line
        names.add(line.split(b":", 1)[0].strip().lower())
    return names


def dkim_sign(raw: bytes, *, selector: str, domain: str, private_key: bytes) -> bytes:
    """Prepend a DKIM-Signature (relaxed/relaxed, rsa-sha256) over the headers that exist."""
    present = header_names(raw)
    signature = dkim.sign(raw, selector.encode(), domain.encode(), private_key,
                          canonicalize=(b"relaxed", b"relaxed"),
                          include_headers=[h for h in SIGNED_HEADERS if h in present])
    return signature + raw


def sign_if_configured(raw: bytes) -> bytes:
    if not (settings.DKIM_SELECTOR and settings.DKIM_DOMAIN and settings.DKIM_PRIVATE_KEY_FILE):
        return raw
    return dkim_sign(raw, selector=settings.DKIM_SELECTOR, domain=settings.DKIM_DOMAIN,
                     private_key=_private_key(settings.DKIM_PRIVATE_KEY_FILE))
