"""The kept set of subscribed events: an event nobody subscribes to costs no query of the
subscriptions (only the configuration token's read: none at all with Redis as the shared cache),
and every committed change of a subscription is seen by the next event at once. Committing tests
(TransactionTestCase): the token is written after the commit."""

from __future__ import annotations

import ipaddress
import os

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from supportdesk.lib.configcache import GENERATION_KEY
from supportdesk.test import Personas
from supportdesk.testing.servers import flush_redis_db, free_port, redis_available, redis_test_url
from supportdesk.webhooks import events, services
from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription
from supportdesk.webhooks.subscribed import subscribed_events
from supportdesk.webhooks.tests.receiver import Receiver

EVENT = events.TICKET_CREATED
DATA = {"ticket": {"id": 1}}


class SubscribedEventsCases(Personas):
    """The same cases on each cache backend."""

    def setUp(self) -> None:
        self.make_personas()
        cache.delete(GENERATION_KEY)

    def enqueue(self) -> int:
        return len(services.webhook_enqueue(event=EVENT, data=DATA))

    def subscribe(self, url: str = "https://crm.example.ru/h") -> WebhookSubscription:
        return services.subscription_create(by_user=self.sam, name="CRM", url=url, events=[EVENT])

    def test_no_subscribers_no_query_of_the_subscriptions_and_a_new_one_is_seen_at_once(self) -> None:
        self.assertEqual(self.enqueue(), 0)  # fills the cache
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.enqueue(), 0)
        self.assertEqual([q["sql"] for q in queries.captured_queries if "webhooks_" in q["sql"]], [])
        self.assertEqual(len(queries), self.CACHE_READ_QUERIES)

        subscription = self.subscribe()
        self.assertEqual(self.enqueue(), 1)
        services.subscription_update(subscription=subscription, by_user=self.sam, name="CRM", url=subscription.url,
                                     events=[events.STATUS_CHANGED], is_active=True)
        self.assertEqual(self.enqueue(), 0)
        services.subscription_update(subscription=subscription, by_user=self.sam, name="CRM", url=subscription.url,
                                     events=[EVENT], is_active=True)
        self.assertEqual(self.enqueue(), 1)
        services.subscription_set_active(subscription=subscription, by_user=self.sam, active=False)
        self.assertEqual(self.enqueue(), 0)
        services.subscription_set_active(subscription=subscription, by_user=self.sam, active=True)
        self.assertEqual(self.enqueue(), 1)
        subscription.delete()
        self.assertEqual(self.enqueue(), 0)  # read again after the change
        with self.assertNumQueries(self.CACHE_READ_QUERIES):
            self.assertEqual(self.enqueue(), 0)
        self.assertEqual(WebhookDelivery.objects.filter(event=EVENT).count(), 0)  # deleted with the subscription

    def test_a_transaction_sees_its_own_change_and_a_rollback_leaves_the_cache_alone(self) -> None:
        self.assertEqual(self.enqueue(), 0)
        token = cache.get(GENERATION_KEY)
        self.assertIsNotNone(token)
        with pytest.raises(RuntimeError), transaction.atomic():
            self.subscribe()
            self.assertEqual(self.enqueue(), 1)  # not yet committed, already seen here
            raise RuntimeError("rolled back")
        self.assertEqual(cache.get(GENERATION_KEY), token)
        self.assertEqual(self.enqueue(), 0)

    @override_settings(WEBHOOK_ALLOWED_NETWORKS=[ipaddress.ip_network("127.0.0.0/8")])
    def test_a_receiver_gone_410_takes_its_events_out_and_the_job_heals_a_wrong_set(self) -> None:
        with Receiver([410]) as receiver:
            self.subscribe(receiver.url)
            self.assertEqual(self.enqueue(), 1)
            services.webhooks_deliver()
        self.assertEqual(subscribed_events(), frozenset())  # disabled by an UPDATE, which sends no signal
        WebhookSubscription.objects.update(is_active=True)  # a change the kept set missed
        self.assertEqual(subscribed_events(), frozenset())
        services.webhooks_deliver()
        self.assertEqual(subscribed_events(), frozenset({EVENT}))


class DatabaseCacheTests(SubscribedEventsCases, TransactionTestCase):
    # The embedded default: the shared cache is a table, so its read is the one query left.
    CACHE_READ_QUERIES = 1


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
class RedisCacheTests(SubscribedEventsCases, TransactionTestCase):
    CACHE_READ_QUERIES = 0

    def setUp(self) -> None:
        url = redis_test_url(os.environ.get("PYTEST_XDIST_WORKER", "master"))
        flush_redis_db(url)
        settings = override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                         "LOCATION": url}})
        settings.enable()
        self.addCleanup(settings.disable)
        self.addCleanup(flush_redis_db, url)
        super().setUp()


class CacheDownTests(Personas, TransactionTestCase):
    def test_an_unreachable_cache_falls_back_to_the_table(self) -> None:
        self.make_personas()
        down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": f"redis://127.0.0.1:{free_port()}/1"}}  # nothing listens there
        with override_settings(CACHES=down):
            self.assertEqual(len(services.webhook_enqueue(event=EVENT, data=DATA)), 0)
            services.subscription_create(by_user=self.sam, name="CRM", url="https://crm.example.ru/h", events=[EVENT])
            self.assertEqual(len(services.webhook_enqueue(event=EVENT, data=DATA)), 1)
