"""Where a webhook may go (the SSRF guard) and the one HTTP POST that delivers it.

The target's name is resolved once, every address is checked, and the connection goes to a
checked address (TLS still verifies the certificate against the name): a DNS answer that
changes between the check and the connection cannot point a delivery at our own network.
Redirects are not followed (a 3xx is a failed attempt), for the same reason.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from supportdesk.lib.tls import tls_client_context

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
EXCERPT_BYTES = 1000
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class TargetRefused(ValueError):
    """The URL may not be used as a webhook target; the message says why (translated)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Response:
    status: int
    excerpt: str


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    address = _literal(host)
    return host.lower() in LOOPBACK_NAMES if address is None else address.is_loopback


def address_allowed(address: Address) -> bool:
    """Public unicast addresses; private, loopback, link-local and the like only when a network
    of ``SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS`` holds them."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in settings.WEBHOOK_ALLOWED_NETWORKS):
        return True
    return address.is_global and not address.is_multicast


def parse_target(url: str) -> Target:
    """Check the form of a target URL (no DNS): http(s), a host, no credentials, https unless
    the host is loopback or this is a development installation, no literal private address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(_("This is not a valid URL.")) from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in ("http", "https") or not host:
        raise TargetRefused(_("The URL must start with https:// and name a host."))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(_("The URL must not contain a user name or password; the signature authenticates us."))
    if scheme == "http" and not (_is_loopback(host) or settings.DEVELOPMENT):
        raise TargetRefused(_("The URL must use https (plain http only to this machine or in development)."))
    literal = _literal(host)
    if literal is not None and not address_allowed(literal):
        raise TargetRefused(_("The address %(host)s is in a private or reserved network; webhooks are not sent "
                              "there unless SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS allows it.") % {"host": host})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def resolve(host: str, port: int) -> list[Address]:
    """The addresses of ``host`` (the one DNS look-up; tests replace it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def checked_addresses(target: Target) -> list[Address]:
    literal = _literal(target.host)
    try:
        addresses = [literal] if literal is not None else resolve(target.host, target.port)
    except OSError as exc:
        raise ConnectionError(f"cannot resolve {target.host}: {exc}") from exc
    refused = [str(a) for a in addresses if not address_allowed(a)]
    if refused or not addresses:
        raise TargetRefused(_("%(host)s resolves to a private or reserved address (%(addresses)s); webhooks are not "
                              "sent there unless SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS allows it.")
                            % {"host": target.host, "addresses": ", ".join(refused) or "-"})
    return addresses


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = str(address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: Address, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = str(address)
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Response:
    """POST ``body``; the status and the start of the answer. Raises TargetRefused for a
    forbidden target, OSError (ssl.SSLError, TimeoutError, ...) or HTTPException otherwise."""
    target = parse_target(url)
    addresses = checked_addresses(target)
    context = tls_client_context(ca_file=settings.WEBHOOK_CA_FILE) if target.scheme == "https" else None
    failure: OSError | None = None
    for address in addresses:
        conn: http.client.HTTPConnection
        if context is not None:
            conn = _PinnedHTTPS(target.host, target.port, address=address, timeout=timeout, context=context)
        else:
            conn = _PinnedHTTP(target.host, target.port, address=address, timeout=timeout)
        try:
            try:
                conn.connect()  # another address is tried only when this one cannot be reached
            except ssl.SSLError:
                raise
            except OSError as exc:
                failure = exc
                continue
            conn.request("POST", target.path, body=body, headers=headers)
            answer = conn.getresponse()
            # PostgreSQL text holds no NUL character: a binary answer must not break the save.
            excerpt = answer.read(EXCERPT_BYTES).decode("utf-8", "replace").replace("\x00", "\ufffd")
            return Response(answer.status, excerpt)
        finally:
            conn.close()
    assert failure is not None
    raise failure
