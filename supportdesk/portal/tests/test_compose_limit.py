"""The anonymous composer preview runs a full-text search per call: a limit per client address."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings

from supportdesk.lib.client_ip import parse_networks
from supportdesk.portal.views_compose import PREVIEWS_PER_MINUTE
from supportdesk.test import BaseTestCase

PREVIEW = "/portal/compose/preview/"


@override_settings(TRUSTED_PROXIES=parse_networks(["10.0.0.2"]))
class PreviewLimitTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def test_limit_per_client_address_behind_the_proxy(self) -> None:
        busy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
        for _ in range(PREVIEWS_PER_MINUTE):
            assert self.client.get(PREVIEW, {"subject": "титры"}, **busy).status_code == 200
        limited = self.client.get(PREVIEW, {"subject": "титры"}, **busy)
        assert limited.status_code == 429
        assert limited.json()["error"] == "rate_limited" and "подождите" in limited.json()["message"]
        other = self.client.get(PREVIEW, {"subject": "титры"}, REMOTE_ADDR="10.0.0.2",
                                HTTP_X_FORWARDED_FOR="198.51.100.23")
        assert other.status_code == 200 and "mailto" in other.json()
