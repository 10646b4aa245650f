"""TLS for our outgoing connections (SMTP STARTTLS, IMAP over SSL): always verified.

The certificate chain and the host name are checked against the system CA store, or
against one CA file when the configuration names one (a private mail server's own CA).
"""

from __future__ import annotations

import ssl
from pathlib import Path


class TlsConfigError(ValueError):
    """The configured CA file cannot be used."""


def tls_client_context(*, ca_file: str = "") -> ssl.SSLContext:
    """A verifying client context: the system CA store, or only the certificates in ``ca_file``."""
    if not ca_file:
        return ssl.create_default_context()
    if not Path(ca_file).is_file():
        raise TlsConfigError(f"CA file {ca_file} does not exist")
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (ssl.SSLError, ValueError, OSError) as exc:
        raise TlsConfigError(f"CA file {ca_file} holds no usable CA certificate ({exc})") from exc


def tls_failure_text(exc: ssl.SSLError, *, server: str, setting: str) -> str:
    """A clear sentence for a failed handshake; ``setting`` names where the CA file is configured."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"the TLS certificate of {server} was refused: {exc.verify_message} "
                f"(trust its CA with {setting})")
    return f"TLS with {server} failed: {exc.reason or exc}"
