"""The client's address: REMOTE_ADDR, or behind a configured trusted proxy the last address
in X-Forwarded-For that is not one of the trusted proxies (an address the client wrote
itself sits further left and is never believed)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str], *, setting: str = "SUPPORTDESK_TRUSTED_PROXIES") -> list[Network]:
    """``["10.0.0.0/8", "127.0.0.1"]`` -> networks; raises ValueError naming a bad entry."""
    networks: list[Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{setting}: {value!r} is not an address or network") from exc
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: list[Network]) -> bool:
    return any(address in network for network in trusted)


def client_address(*, remote_addr: str, forwarded_for: str, trusted: list[Network]) -> str:
    """The address a request came from, walking X-Forwarded-For from the right while the
    hop that added it is a trusted proxy. An unparsable entry stops the walk at the last
    trusted hop's own address, so garbage in the header cannot pick the key."""
    current = _address(remote_addr)
    if current is None:
        return remote_addr
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        if not _trusted(current, trusted):
            break
        previous = _address(hop)
        if previous is None:
            break
        current = previous
    return str(current)


def client_ip(request: HttpRequest) -> str:
    return client_address(remote_addr=str(request.META.get("REMOTE_ADDR", "")),
                          forwarded_for=str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
                          trusted=settings.TRUSTED_PROXIES)
