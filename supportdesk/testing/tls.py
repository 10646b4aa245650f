"""Throwaway certificate authorities for TLS tests (trustme): a CA, a server certificate it
signed for 127.0.0.1, and the files a server (Dovecot) or a client (a CA file setting) reads.
"""

from __future__ import annotations

import ssl
import tempfile
from pathlib import Path
from typing import NamedTuple

import trustme

from supportdesk.testing.net import LOOPBACK


class TlsFiles(NamedTuple):
    cert: str  # the server's certificate chain (PEM)
    key: str  # its private key (PEM)
    ca: str  # the CA certificate a client must trust (PEM)


class TestCA:
    """A certificate authority of its own; ``issue()`` signs a server certificate for 127.0.0.1."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self._ca = trustme.CA()
        self._dir = tempfile.mkdtemp(prefix="test-ca-")
        Path(self._dir).chmod(0o755)  # Dovecot reads its certificate files as its own users too
        self.ca_file = str(Path(self._dir, "ca.pem"))
        self._ca.cert_pem.write_to_path(self.ca_file)
        self._leaf = self._ca.issue_cert(LOOPBACK, "localhost")

    def files(self) -> TlsFiles:
        cert, key = Path(self._dir, "server.pem"), Path(self._dir, "server.key")
        cert.write_bytes(b"".join(blob.bytes() for blob in self._leaf.cert_chain_pems))
        self._leaf.private_key_pem.write_to_path(str(key))
        return TlsFiles(cert=str(cert), key=str(key), ca=self.ca_file)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._leaf.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)
