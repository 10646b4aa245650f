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


def dkim_sign(raw: bytes, *, selector: str, domain: str, private_key: bytes) -> bytes:
    signature = dkim.sign(raw, selector.encode(), domain.encode(), private_key,
                          include_headers=[h for h in SIGNED_HEADERS if h.lower() in raw.lower()[:8192]])
    return signature + raw


def sign_if_configured(raw: bytes) -> bytes:
    if not (settings.DKIM_SELECTOR and settings.DKIM_DOMAIN and settings.DKIM_PRIVATE_KEY_FILE):
        return raw
    return dkim_sign(raw, selector=settings.DKIM_SELECTOR, domain=settings.DKIM_DOMAIN,
                     private_key=_private_key(settings.DKIM_PRIVATE_KEY_FILE))
