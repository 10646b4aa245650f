"""The client address behind trusted proxies, and counters that two processes share."""

from __future__ import annotations

import os

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.test import TestCase

from supportdesk.lib import ratelimit
from supportdesk.lib.client_ip import client_address, parse_networks
from supportdesk.testing.servers import redis_available, redis_test_url

PROXIES = parse_networks(["10.0.0.0/8", "fd00::1"])


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("203.0.113.5", "", "203.0.113.5"),
    ("203.0.113.5", "198.51.100.1", "203.0.113.5"),            # not from a proxy: the header is ignored
    ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),     # the client's own entry is not believed
    ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),    # two proxies of ours
    ("10.0.0.2", "not-an-ip", "10.0.0.2"),
    ("10.0.0.2", "", "10.0.0.2"),
    ("fd00::1", "2001:db8::7", "2001:db8::7"),
    ("", "198.51.100.1", ""),
])
def test_client_address(remote: str, forwarded: str, expected: str) -> None:
    assert client_address(remote_addr=remote, forwarded_for=forwarded, trusted=PROXIES) == expected


def test_bad_proxy_setting_is_named() -> None:
    with pytest.raises(ValueError, match="SUPPORTDESK_TRUSTED_PROXIES: 'proxy.local'"):
        parse_networks(["proxy.local"])


def test_ipv6_hosts_count_per_64() -> None:
    assert ratelimit.address_bucket("2001:db8::1") == ratelimit.address_bucket("2001:db8::ffff") == "2001:db8::/64"
    assert ratelimit.address_bucket("::ffff:203.0.113.5") == "203.0.113.5"
    assert ratelimit.address_bucket("junk") == "junk"


class SharedCounterTests(TestCase):
    """Each web process builds its own cache client; the count must be one for all."""

    def count_in_two_processes(self, first: object, second: object) -> None:
        for cache in (first, second, first):
            ratelimit.cache = cache  # type: ignore[assignment]
            hit = ratelimit.rate_hit(key="rl:test:shared", limit=2, window_seconds=60)
        assert hit, "the third use, split across two clients, is over a limit of 2"

    def tearDown(self) -> None:
        from django.core.cache import cache

        ratelimit.cache = cache
        super().tearDown()

    def test_database_cache(self) -> None:
        self.count_in_two_processes(DatabaseCache("supportdesk_cache", {}), DatabaseCache("supportdesk_cache", {}))

    @pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
    def test_redis_cache(self) -> None:
        url = redis_test_url(os.environ.get("PYTEST_XDIST_WORKER", "master"))
        first, second = RedisCache(url, {}), RedisCache(url, {})
        first.delete("rl:test:shared")
        try:
            self.count_in_two_processes(first, second)
        finally:
            first.delete("rl:test:shared")
