"""Delivery through a real HTTP receiver: retries with backoff, the signature, 410 Gone, the
attempt limit, redelivery, the SSRF guard (only DNS is replaced)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from supportdesk.test import BaseTestCase
from supportdesk.webhooks import events, services, transport
from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription
from supportdesk.webhooks.tests.receiver import Receiver

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]
State = WebhookDelivery.State


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (documented on the subscription page)."""
    expected = hmac.new(secret.encode(), headers["X-SupportDesk-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", headers["X-SupportDesk-Signature"])


@override_settings(WEBHOOK_ALLOWED_NETWORKS=LOOPBACK)
class DeliveryTests(BaseTestCase):
    def subscribe(self, url: str, chosen: list[str] | None = None) -> WebhookSubscription:
        return services.subscription_create(by_user=self.sam, name="CRM", url=url,
                                            events=chosen or [events.TICKET_CREATED])

    def test_a_receiver_failing_twice_then_accepting_gets_one_accepted_delivery_with_a_valid_signature(self):
        with Receiver([500, 500, 200]) as receiver:
            sub = self.subscribe(receiver.url)
            ticket = self.make_ticket()
            delivery = WebhookDelivery.objects.get(subscription=sub)
            now = timezone.now()
            first = services.webhooks_deliver(now=now)
            delivery.refresh_from_db()
            assert (first.retried, delivery.state, delivery.attempts, delivery.last_status) == (1, State.PENDING, 1, 500)
            assert delivery.next_attempt_at == now + timedelta(seconds=30)
            assert services.webhooks_deliver(now=now + timedelta(seconds=10)).retried == 0  # not due yet
            second = services.webhooks_deliver(now=now + timedelta(seconds=31))
            delivery.refresh_from_db()
            assert (second.retried, delivery.attempts, delivery.next_attempt_at) == (
                1, 2, now + timedelta(seconds=31 + 60))
            third = services.webhooks_deliver(now=now + timedelta(minutes=5))
            assert third.delivered == 1
            assert services.webhooks_deliver(now=now + timedelta(hours=5)).delivered == 0  # nothing left
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.last_status) == (State.DELIVERED, 3, 200)
        assert delivery.response_excerpt == '{"answer": 200}'
        assert len(receiver.received) == 3
        accepted = receiver.received[-1]
        assert [r.headers["X-SupportDesk-Delivery"] for r in receiver.received] == [str(delivery.delivery_id)] * 3
        assert accepted.path == "/hook?x=1"
        assert accepted.headers["X-SupportDesk-Event"] == "ticket.created"
        assert accepted.headers["Content-Type"] == "application/json; charset=utf-8"
        assert verify(sub.secret, accepted.headers, accepted.body)
        assert not verify("another secret", accepted.headers, accepted.body)
        body = json.loads(accepted.body)
        assert body["id"] == str(delivery.delivery_id) and body["event"] == "ticket.created"
        assert body["data"]["ticket"]["id"] == ticket.pk
        assert body["data"]["ticket"]["subject"] == "Не выводятся титры"

    def test_the_delivery_log_page_shows_the_three_attempts(self):
        with Receiver([500, 500, 200]) as receiver:
            sub = self.subscribe(receiver.url)
            self.make_ticket()
            now = timezone.now()
            for minutes in (0, 1, 5):
                services.webhooks_deliver(now=now + timedelta(minutes=minutes))
        delivery = WebhookDelivery.objects.get(subscription=sub)
        self.client.force_login(self.sam)
        page = self.client.get(f"/agent/webhooks/{sub.pk}/").content.decode()
        row = page.split(f'id="delivery-{delivery.pk}"', 1)[1].split("</tr>", 1)[0]
        assert 'data-state="delivered"' in row and "<td>3</td>" in row and "<td>200" in row
        assert "&quot;answer&quot;: 200" in row

    def test_410_gone_disables_the_subscription_and_fails_the_delivery(self):
        with Receiver([410]) as receiver:
            sub = self.subscribe(receiver.url)
            self.make_ticket()
            self.make_ticket(subject="Второй")
            result = services.webhooks_deliver()
        sub.refresh_from_db()
        assert not sub.is_active and "410" in sub.disabled_reason
        # The second delivery is not sent to a receiver that said it is gone.
        assert len(receiver.received) == 1 and result.failed == 2
        assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {State.FAILED}

    def test_retries_stop_at_the_limit_then_a_redelivery_sends_the_same_delivery_again(self):
        with Receiver(default=503) as receiver:
            sub = self.subscribe(receiver.url)
            self.make_ticket()
            now = timezone.now()
            for hour in range(services.MAX_ATTEMPTS + 2):
                services.webhooks_deliver(now=now + timedelta(hours=hour))
            delivery = WebhookDelivery.objects.get(subscription=sub)
            assert (delivery.state, delivery.attempts) == (State.FAILED, services.MAX_ATTEMPTS)
            assert len(receiver.received) == services.MAX_ATTEMPTS
            receiver.default = 204
            services.delivery_redeliver(delivery=delivery, by_user=self.sam)
            assert services.webhooks_deliver().delivered == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (State.DELIVERED, services.MAX_ATTEMPTS + 1)
        assert receiver.received[-1].headers["X-SupportDesk-Delivery"] == str(delivery.delivery_id)
        with pytest.raises(services.InvalidSubscription):
            services.delivery_redeliver(delivery=delivery, by_user=self.sam)

    def test_a_receiver_that_cannot_be_reached_is_retried(self):
        with Receiver() as receiver:
            url = receiver.url
        sub = self.subscribe(url)  # the server is gone: connection refused
        self.make_ticket()
        assert services.webhooks_deliver().retried == 1
        delivery = WebhookDelivery.objects.get(subscription=sub)
        assert delivery.state == State.PENDING and delivery.last_status is None
        assert "ConnectionRefusedError" in delivery.last_error

    def test_a_claim_left_by_a_dead_worker_is_taken_over_with_the_same_delivery_id(self):
        with Receiver() as receiver:
            sub = self.subscribe(receiver.url)
            self.make_ticket()
            now = timezone.now()
            WebhookDelivery.objects.update(state=State.SENDING, attempts=1, claimed_until=now + timedelta(minutes=5))
            assert services.webhooks_deliver(now=now).delivered == 0  # the claim still holds
            assert services.webhooks_deliver(now=now + timedelta(minutes=6)).delivered == 1
        delivery = WebhookDelivery.objects.get(subscription=sub)
        assert delivery.attempts == 2 and receiver.received[0].headers["X-SupportDesk-Delivery"] == str(
            delivery.delivery_id)

    def test_a_disabled_subscription_gets_no_deliveries(self):
        with Receiver() as receiver:
            sub = self.subscribe(receiver.url)
            services.subscription_set_active(subscription=sub, by_user=self.sam, active=False)
            self.make_ticket()
            assert not WebhookDelivery.objects.exists()
            services.subscription_set_active(subscription=sub, by_user=self.sam, active=True)
            self.make_ticket()
            services.subscription_set_active(subscription=sub, by_user=self.sam, active=False)
            assert services.webhooks_deliver().failed == 1  # disabled after the event: not sent
        assert receiver.received == []


class TargetTests(BaseTestCase):
    def test_https_is_required_except_for_loopback_and_development(self):
        with override_settings(DEVELOPMENT=False):
            with pytest.raises(transport.TargetRefused, match="https"):
                transport.parse_target("http://crm.example.ru/hook")
            assert transport.parse_target("http://localhost:8080/h").port == 8080
            assert transport.parse_target("https://crm.example.ru/hook").port == 443
        with override_settings(DEVELOPMENT=True):
            assert transport.parse_target("http://crm.example.ru/hook").scheme == "http"

    def test_odd_urls_are_refused_with_a_reason(self):
        for url in ("ftp://x.ru/", "https://", "https://user:pw@crm.example.ru/", "https://x.ru:99999/",
                    "javascript:alert(1)", "https://[::1/"):
            with pytest.raises(transport.TargetRefused):
                transport.parse_target(url)

    def test_private_and_link_local_addresses_are_refused_unless_allowed(self):
        for url in ("https://10.1.2.3/", "https://169.254.169.254/latest", "https://[::1]/", "https://127.0.0.1/",
                    "https://[::ffff:192.168.0.1]/", "https://100.64.0.1/"):
            with pytest.raises(transport.TargetRefused, match="SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS"):
                transport.parse_target(url)
        with override_settings(WEBHOOK_ALLOWED_NETWORKS=[ipaddress.ip_network("10.1.0.0/16")]):
            assert transport.parse_target("https://10.1.2.3/").host == "10.1.2.3"

    def test_a_name_resolving_to_a_private_address_is_refused_at_delivery(self):
        sub = services.subscription_create(by_user=self.sam, name="CRM", url="https://crm.example.ru/hook",
                                           events=[events.TICKET_CREATED])
        self.make_ticket()
        fake_dns = [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("192.168.1.10")]
        with mock.patch.object(transport, "resolve", return_value=fake_dns) as resolve, \
                mock.patch("socket.create_connection") as connect:
            assert services.webhooks_deliver().retried == 1
        resolve.assert_called_once_with("crm.example.ru", 443)
        connect.assert_not_called()
        delivery = WebhookDelivery.objects.get(subscription=sub)
        assert "192.168.1.10" in delivery.last_error and delivery.state == State.PENDING

    def test_the_connection_goes_to_the_checked_address(self):
        with Receiver() as receiver, override_settings(WEBHOOK_ALLOWED_NETWORKS=LOOPBACK):
            port = receiver.server.server_address[1]
            url = f"http://localhost:{port}/hook"
            with mock.patch.object(transport, "resolve", return_value=[ipaddress.ip_address("127.0.0.1")]):
                answer = transport.post(url, b"{}", {"Content-Type": "application/json"}, timeout=5)
        assert answer.status == 200
        assert receiver.received[0].headers["Host"] == f"localhost:{port}"

    def test_tls_is_verified_against_the_ca_store(self):
        """A server whose CA we do not trust is refused; trusting its CA (SUPPORTDESK_WEBHOOK_CA_FILE) lets it in."""
        import ssl
        import tempfile
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import trustme

        ca = trustme.CA()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("localhost").configure_cert(context)
        server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        url = f"https://localhost:{server.server_address[1]}/"
        pinned = [ipaddress.ip_address("127.0.0.1")]
        try:
            with override_settings(WEBHOOK_ALLOWED_NETWORKS=LOOPBACK), \
                    mock.patch.object(transport, "resolve", return_value=pinned):
                with pytest.raises(ssl.SSLCertVerificationError):
                    transport.post(url, b"{}", {}, timeout=5)
                with tempfile.NamedTemporaryFile(suffix=".pem") as pem:
                    ca.cert_pem.write_to_path(pem.name)
                    with override_settings(WEBHOOK_CA_FILE=pem.name):
                        answer = transport.post(url, b"{}", {}, timeout=5)
            assert answer.status == 501  # the TLS connection stood; the bare handler has no POST
        finally:
            server.shutdown()
            server.server_close()


class PurgeTests(BaseTestCase):
    def test_finished_deliveries_older_than_the_retention_go_pending_ones_stay(self):
        sub = services.subscription_create(by_user=self.sam, name="CRM", url="https://crm.example.ru/h",
                                           events=[events.TICKET_CREATED])
        for _ in range(3):
            self.make_ticket()
        now = timezone.now()
        old = now - timedelta(days=services.KEEP_DAYS + 1)
        first, second, third = WebhookDelivery.objects.filter(subscription=sub).order_by("pk")
        WebhookDelivery.objects.filter(pk=first.pk).update(state=State.DELIVERED, created_at=old)
        WebhookDelivery.objects.filter(pk=second.pk).update(state=State.PENDING, created_at=old)
        WebhookDelivery.objects.filter(pk=third.pk).update(state=State.FAILED)
        assert services.webhook_deliveries_purge(now=now) == 1
        assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {second.pk, third.pk}

    def test_a_binary_answer_is_kept_without_nul_characters(self):
        with Receiver() as receiver, override_settings(WEBHOOK_ALLOWED_NETWORKS=LOOPBACK), \
                mock.patch("http.client.HTTPResponse.read", return_value=b"ok\x00\xff"):
            answer = transport.post(receiver.url, b"{}", {}, timeout=5)
        assert answer.excerpt == "ok\ufffd\ufffd"
