"""Fixed-window counters in the shared cache (the database in the embedded mode, Redis
when scaled out), so that a limit holds across web processes."""

from __future__ import annotations

import hashlib
import ipaddress

from django.core.cache import cache


def rate_key(prefix: str, value: str) -> str:
    """A cache key for any value (addresses, e-mail addresses): hashed, so that odd text
    cannot break a cache backend's key rules and no address is stored in clear."""
    return f"rl:{prefix}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def address_bucket(address: str) -> str:
    """The unit a per-address limit counts: an IPv4 address, or an IPv6 /64 (one host
    usually owns a whole /64 and could otherwise rotate through it)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def rate_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use; True when this use is over ``limit`` within the window."""
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired or evicted between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
