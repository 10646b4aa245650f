"""The webhook pages, browser-free: permissions, POST-only with CSRF, odd input answered with 4xx."""

from __future__ import annotations

import ipaddress

from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from supportdesk.audit.models import AuditEntry
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.webhooks import events, services
from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription
from supportdesk.webhooks.tests.receiver import Receiver

State = WebhookDelivery.State
VALID = {"name": "CRM", "url": "https://crm.example.ru/hook", "events": [events.TICKET_CREATED, events.SLA_BREACH]}


class WebhookViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sub = services.subscription_create(by_user=self.sam, name="Трекер", url="https://bugs.example.ru/h",
                                                events=[events.RELEASE_PUBLISHED])
        self.delivery = services.subscription_ping(subscription=self.sub, by_user=self.sam)

    def urls(self) -> list[tuple[str, str]]:
        pk, dpk = self.sub.pk, self.delivery.pk
        return [("get", reverse("webhooks:list")), ("get", reverse("webhooks:detail", args=[pk])),
                ("post", reverse("webhooks:create")), ("post", reverse("webhooks:edit", args=[pk])),
                ("post", reverse("webhooks:active", args=[pk])), ("post", reverse("webhooks:ping", args=[pk])),
                ("post", reverse("webhooks:rotate", args=[pk])), ("post", reverse("webhooks:redeliver", args=[dpk])),
                ("post", reverse("webhooks:delete", args=[pk]))]

    def test_agents_and_non_agents_are_refused_and_strangers_sent_to_log_in(self):
        for user in (self.alice, self.bob):
            self.client.force_login(user)
            for method, url in self.urls():
                assert getattr(self.client, method)(url, VALID).status_code == 403, (user, url)
        self.client.logout()
        for method, url in self.urls():
            response = getattr(self.client, method)(url, VALID)
            assert response.status_code == 302 and "/login/" in response["Location"], url
        assert WebhookSubscription.objects.count() == 1 and WebhookDelivery.objects.count() == 1
        self.sub.refresh_from_db()
        assert self.sub.is_active and self.sub.name == "Трекер"

    def test_an_administrator_manages_them_too(self):
        admin = get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        self.client.force_login(admin)
        assert self.client.get(reverse("webhooks:list")).status_code == 200
        assert self.client.post(reverse("webhooks:create"), VALID).status_code == 302

    def test_a_supervisor_creates_a_subscription_and_sees_its_secret(self):
        self.client.force_login(self.sam)
        page = self.client.get(reverse("webhooks:list")).content.decode()
        assert "Вебхуки" in page and "Трекер" in page and 'id="nav-webhooks"' in page
        response = self.client.post(reverse("webhooks:create"), VALID)
        created = WebhookSubscription.objects.get(name="CRM")
        assert response.status_code == 302 and response["Location"] == reverse("webhooks:detail", args=[created.pk])
        assert created.events == [events.TICKET_CREATED, events.SLA_BREACH] and created.created_by == self.sam
        assert len(created.secret) >= 40
        page = self.client.get(response["Location"]).content.decode()
        assert created.secret in page and "Подписка создана" in page

    def test_odd_input_is_answered_with_400_and_a_reason_in_russian(self):
        self.client.force_login(self.sam)
        cases = [
            ({**VALID, "url": "http://crm.example.ru/hook"}, "https"),
            ({**VALID, "url": "https://10.0.0.5/hook"}, "частной"),
            ({**VALID, "url": "not a url"}, "https://"),
            ({**VALID, "events": []}, "хотя бы одно событие"),
            ({**VALID, "events": ["ticket.deleted"]}, "Неизвестное событие"),
            ({**VALID, "name": ""}, "название"),
            ({**VALID, "name": "x" * 500}, "название"),
            ({**VALID, "url": "https://x.ru/" + "a" * 600}, "500"),
        ]
        with override_settings(DEVELOPMENT=False):
            for data, reason in cases:
                response = self.client.post(reverse("webhooks:create"), data)
                assert response.status_code == 400, data
                assert reason in response.content.decode(), (data, reason)
        assert WebhookSubscription.objects.count() == 1

    def test_get_on_a_change_is_405_and_a_post_without_csrf_is_403(self):
        self.client.force_login(self.sam)
        for method, url in self.urls():
            if method == "post":
                assert self.client.get(url).status_code == 405, url
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.sam)
        for method, url in self.urls():
            if method == "post":
                assert strict.post(url, VALID).status_code == 403, url
        assert WebhookSubscription.objects.count() == 1

    def test_unknown_rows_are_404(self):
        self.client.force_login(self.sam)
        assert self.client.get(reverse("webhooks:detail", args=[999999])).status_code == 404
        assert self.client.post(reverse("webhooks:edit", args=[999999]), VALID).status_code == 404
        assert self.client.post(reverse("webhooks:redeliver", args=[999999])).status_code == 404
        assert self.client.get("/agent/webhooks/abc/").status_code == 404

    def test_edit_disable_enable_ping_and_rotate(self):
        self.client.force_login(self.sam)
        url = reverse("webhooks:detail", args=[self.sub.pk])
        response = self.client.post(reverse("webhooks:edit", args=[self.sub.pk]),
                                    {**VALID, "name": "Трекер ошибок", "is_active": "1"})
        assert response.status_code == 302
        self.sub.refresh_from_db()
        assert self.sub.name == "Трекер ошибок" and self.sub.events == VALID["events"]
        bad = self.client.post(reverse("webhooks:edit", args=[self.sub.pk]), {**VALID, "url": "ftp://x"})
        assert bad.status_code == 400 and 'value="ftp://x"' in bad.content.decode()
        assert self.client.post(reverse("webhooks:active", args=[self.sub.pk]), {"active": "maybe"}).status_code == 400
        assert self.client.post(reverse("webhooks:active", args=[self.sub.pk]), {"active": "0"}).status_code == 302
        self.sub.refresh_from_db()
        assert not self.sub.is_active and "sam" in self.sub.disabled_reason
        self.client.post(reverse("webhooks:active", args=[self.sub.pk]), {"active": "1"})
        self.sub.refresh_from_db()
        assert self.sub.is_active and self.sub.disabled_reason == ""
        old_secret = self.sub.secret
        assert self.client.post(reverse("webhooks:rotate", args=[self.sub.pk])).status_code == 302
        self.sub.refresh_from_db()
        assert self.sub.secret != old_secret
        assert self.client.post(reverse("webhooks:ping", args=[self.sub.pk])).status_code == 302
        assert self.sub.deliveries.filter(event=events.PING, state=State.PENDING).count() == 2
        page = self.client.get(url, {"state": "pending"}).content.decode()
        assert page.count('data-state="pending"') == 2
        assert self.client.get(url, {"state": "<script>"}).status_code == 200

    def test_redeliver_only_a_failed_delivery(self):
        self.client.force_login(self.sam)
        response = self.client.post(reverse("webhooks:redeliver", args=[self.delivery.pk]))
        assert response.status_code == 409 and "Повторно отправить можно только" in response.content.decode()
        WebhookDelivery.objects.filter(pk=self.delivery.pk).update(state=State.FAILED, attempts=8)
        page = self.client.get(reverse("webhooks:detail", args=[self.sub.pk])).content.decode()
        assert reverse("webhooks:redeliver", args=[self.delivery.pk]) in page
        assert self.client.post(reverse("webhooks:redeliver", args=[self.delivery.pk])).status_code == 302
        self.delivery.refresh_from_db()
        assert self.delivery.state == State.PENDING and self.delivery.attempt_limit == 8 + services.MAX_ATTEMPTS


class WebhookAuditTests(BaseTestCase):
    """Every change of a subscription is in the audit log: who, what; never the secret, and the
    receiver only by its host (a path or query may hold the receiver's own token)."""

    def entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action=AuditEntry.Action.WEBHOOK_CHANGE).order_by("at", "id"))

    def test_create_change_disable_enable_rotate_and_delete_are_recorded_without_the_secret(self):
        self.client.force_login(self.sam)
        hook = {**VALID, "url": "https://crm.example.ru/hook/T0K3N?key=s3cr3t"}
        self.client.post(reverse("webhooks:create"), hook)
        sub = WebhookSubscription.objects.get(name="CRM")
        secrets = [sub.secret]
        edit = reverse("webhooks:edit", args=[sub.pk])
        self.client.post(edit, {**hook, "is_active": "1"})  # nothing changed: no entry
        self.client.post(edit, {**hook, "name": "CRM-2", "url": "https://crm2.example.ru/h?key=other",
                                "events": [events.TICKET_CREATED], "is_active": "1"})
        self.client.post(reverse("webhooks:active", args=[sub.pk]), {"active": "0"})
        self.client.post(reverse("webhooks:active", args=[sub.pk]), {"active": "1"})
        self.client.post(reverse("webhooks:rotate", args=[sub.pk]))
        sub.refresh_from_db()
        secrets.append(sub.secret)
        services.subscription_ping(subscription=sub, by_user=self.sam)
        refused = self.client.post(reverse("webhooks:delete", args=[sub.pk]))  # the box not ticked
        assert refused.status_code == 400 and "Отметьте" in refused.content.decode()
        assert WebhookSubscription.objects.filter(pk=sub.pk).exists()
        response = self.client.post(reverse("webhooks:delete", args=[sub.pk]), {"confirm": "1"})
        assert response.status_code == 302 and response["Location"] == reverse("webhooks:list")
        assert not WebhookSubscription.objects.filter(pk=sub.pk).exists()
        assert not WebhookDelivery.objects.filter(subscription_id=sub.pk).exists()

        entries = self.entries()
        assert [e.details["change"] for e in entries] == [
            "created", "updated", "disabled", "enabled", "secret_rotated", "deleted"]
        assert {(e.actor_id, e.actor_name) for e in entries} == {(self.sam.pk, "sam")}
        assert all(e.target.startswith(f"webhooks.WebhookSubscription #{sub.pk}: CRM") for e in entries)
        created, updated, *_rest, deleted = entries
        assert created.details == {"change": "created", "host": "crm.example.ru",
                                   "events": [events.TICKET_CREATED, events.SLA_BREACH]}
        assert updated.details["fields"] == {
            "name": ["CRM", "CRM-2"], "url": ["crm.example.ru", "crm2.example.ru"],
            "events": [[events.TICKET_CREATED, events.SLA_BREACH], [events.TICKET_CREATED]]}
        assert deleted.details == {"change": "deleted", "host": "crm2.example.ru", "events": [events.TICKET_CREATED],
                                   "deliveries": 1}
        logged = " ".join(f"{e.target} {e.details_text}" for e in entries)
        for secret in (*secrets, "T0K3N", "s3cr3t", "key=other"):
            assert secret not in logged, secret

    def test_a_refused_change_records_nothing(self):
        self.client.force_login(self.alice)  # an agent
        assert self.client.post(reverse("webhooks:create"), VALID).status_code == 403
        self.client.force_login(self.sam)
        assert self.client.post(reverse("webhooks:create"), {**VALID, "events": []}).status_code == 400
        assert self.entries() == []


@override_settings(WEBHOOK_ALLOWED_NETWORKS=[ipaddress.ip_network("127.0.0.0/8")])
class RequestNeverWaitsTests(BaseTestCase):
    def test_the_reply_returns_while_the_slow_receiver_has_not_even_been_called(self):
        with Receiver(delay=1.0) as receiver:
            sub = services.subscription_create(by_user=self.sam, name="CRM", url=receiver.url,
                                               events=[events.STATUS_CHANGED])
            ticket = self.make_ticket()
            self.client.login(username="alice", password=PASSWORD)
            response = self.client.post(reverse("replies:reply", args=[ticket.pk]),
                                        {"text": "Добрый день! Пришлите, пожалуйста, версию.", "to": "", "cc": ""})
            assert response.status_code == 302
            delivery = WebhookDelivery.objects.get(subscription=sub)
            assert delivery.state == State.PENDING and delivery.attempts == 0
            assert delivery.payload["to"] == "open"
            assert receiver.received == []  # the request made no HTTP call at all
            assert services.webhooks_deliver(now=timezone.now()).delivered == 1  # the job does, later
        assert len(receiver.received) == 1
