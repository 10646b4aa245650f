"""A throwaway DKIM key pair for tests, and a DNS answer for dkim.verify(dnsfunc=...)."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable
from pathlib import Path

import dkim


def make_dkim_key(directory: Path, bits: int = 1024) -> tuple[Path, bytes]:
    """Write a PEM private key into ``directory``; return (path, the TXT record for DNS)."""
    key = directory / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), str(bits)], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return key, b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def dns_answer(selector: str, domain: str, record: bytes) -> Callable[..., bytes]:
    """A dnsfunc that knows one DKIM record and nothing else (no network in tests)."""
    name = f"{selector}._domainkey.{domain}.".encode()

    def lookup(qname: bytes, timeout: int = 5) -> bytes:
        return record if qname.rstrip(b".") + b"." == name else b""

    return lookup


def verifies(raw: bytes, lookup: Callable[..., bytes]) -> bool:
    return bool(dkim.verify(raw, dnsfunc=lookup))
