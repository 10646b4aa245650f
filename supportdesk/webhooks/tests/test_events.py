"""Each event reaches the subscribers of it and nobody else, in the transaction of the event."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from supportdesk.catalog.models import Release
from supportdesk.escalation import watcher
from supportdesk.releases.services import release_publish
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services as tickets
from supportdesk.tickets.models import Message, Status
from supportdesk.webhooks import events, services
from supportdesk.webhooks.models import WebhookDelivery

RECEIVED = office_time(2026, 5, 12, 10, 0)
AT_TARGET = office_time(2026, 5, 13, 10, 0)
AT_LIMIT = office_time(2026, 5, 14, 10, 0)


class EventTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.subs = {event: services.subscription_create(by_user=self.sam, name=event, url=f"https://{n}.example.ru/h",
                                                         events=[event])
                     for n, event in enumerate(events.EVENTS)}
        self.everything = services.subscription_create(by_user=self.sam, name="all", url="https://all.example.ru/h",
                                                       events=list(events.EVENTS))

    def deliveries(self) -> Counter[tuple[str, str]]:
        """(subscription name, event) -> count of the deliveries written so far."""
        return Counter(WebhookDelivery.objects.values_list("subscription__name", "event"))

    def only(self, event: str, count: int = 1) -> Counter[tuple[str, str]]:
        return Counter({(event, event): count, ("all", event): count})

    def test_ticket_created_goes_to_its_subscribers_only(self):
        ticket = self.make_ticket()  # the request itself is no "customer replied", creation no status change
        assert self.deliveries() == self.only(events.TICKET_CREATED)
        delivery = WebhookDelivery.objects.filter(event=events.TICKET_CREATED).first()
        assert delivery is not None and delivery.payload["ticket"]["id"] == ticket.pk
        assert delivery.payload["ticket"]["status"] == Status.NEW and delivery.state == WebhookDelivery.State.PENDING

    def test_customer_replied_is_a_customer_message_after_the_first(self):
        ticket = self.make_ticket()
        WebhookDelivery.objects.all().delete()
        tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.NOTE, body_text="заметка", author_user=self.alice)
        tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Автоответ", is_robot=True)
        assert self.deliveries() == Counter()
        message = tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Вот версия: 7.0",
                                             author_customer=self.customer)
        assert self.deliveries() == self.only(events.CUSTOMER_REPLIED)
        payload = WebhookDelivery.objects.filter(event=events.CUSTOMER_REPLIED).first().payload  # type: ignore[union-attr]
        assert payload["message"]["id"] == message.pk and payload["ticket"]["id"] == ticket.pk
        assert "Вот версия" not in str(payload)  # the conversation stays in SupportDesk

    def test_a_new_ticket_s_request_asks_nothing_again_when_nobody_listens_to_replies(self):
        # Nobody listens to customer.replied: the request that opens the ticket (the intake's
        # every new ticket) costs no query of its own, neither the subscriptions nor "is it a reply?".
        self.subs[events.CUSTOMER_REPLIED].delete()
        self.everything.delete()
        with transaction.atomic():
            ticket = tickets.ticket_create(customer=self.customer, subject="Нет звука", channel="email",
                                           contact_email="ivanov@tv-sibir.ru")
            with CaptureQueriesContext(connection) as queries:
                tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING,
                                           body_text="Нет звука на выходе", author_customer=self.customer)
        sqls = [q["sql"] for q in queries.captured_queries]
        assert not [q for q in sqls if "webhooks_webhooksubscription" in q or "cache" in q.lower()]
        assert not [q for q in sqls if q.startswith('SELECT 1 AS "a" FROM "tickets_message"')]
        assert self.deliveries() == Counter({(events.TICKET_CREATED, events.TICKET_CREATED): 1})
        # A subscription saved since is seen by the next event on that same ticket instance.
        services.subscription_create(by_user=self.sam, name="late", url="https://late.example.ru/h",
                                     events=[events.CUSTOMER_REPLIED])
        with transaction.atomic():
            tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Ещё одно",
                                       author_customer=self.customer)
        assert self.deliveries()[("late", events.CUSTOMER_REPLIED)] == 1

    def test_status_changed_names_both_statuses(self):
        ticket = self.make_ticket()
        WebhookDelivery.objects.all().delete()
        tickets.ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER, by_user=self.alice)
        assert self.deliveries() == self.only(events.STATUS_CHANGED)
        payload = WebhookDelivery.objects.filter(event=events.STATUS_CHANGED).first().payload  # type: ignore[union-attr]
        assert (payload["from"], payload["to"], payload["by_user"]) == (Status.NEW, Status.WAITING_CUSTOMER,
                                                                        self.alice.pk)

    def test_sla_warning_then_breach(self):
        ticket = self.make_ticket(at=RECEIVED)
        WebhookDelivery.objects.all().delete()
        watcher.sla_watch(AT_TARGET, sync=lambda _now: None)
        assert self.deliveries() == self.only(events.SLA_WARNING)
        watcher.sla_watch(AT_LIMIT, sync=lambda _now: None)
        assert self.deliveries() == self.only(events.SLA_WARNING) + self.only(events.SLA_BREACH)
        payload = WebhookDelivery.objects.filter(event=events.SLA_BREACH).first().payload  # type: ignore[union-attr]
        assert payload["ticket"]["id"] == ticket.pk and payload["at"] == AT_LIMIT.isoformat()

    def test_release_published(self):
        release = Release.objects.create(product=self.products["forward-tt"], version="7.1.0",
                                         download_url="https://www.softlab.tv/download/ftt-7.1.0")
        ticket = tickets.ticket_set_status(ticket=self.make_ticket(), status=Status.WAITING_RELEASE,
                                           by_user=self.alice, release=release)
        WebhookDelivery.objects.all().delete()
        release_publish(release=release, by_user=self.sam, confirmed=True)
        # The reopened ticket changes status as well: that is its own event.
        assert self.deliveries() == self.only(events.RELEASE_PUBLISHED) + self.only(events.STATUS_CHANGED)
        payload = WebhookDelivery.objects.filter(event=events.RELEASE_PUBLISHED).first().payload  # type: ignore[union-attr]
        assert payload["release"]["version"] == "7.1.0" and payload["reopened_tickets"] == [ticket.pk]

    def test_an_event_in_a_rolled_back_transaction_delivers_nothing(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            ticket = self.make_ticket()
            tickets.ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER, by_user=self.alice)
            assert sum(self.deliveries().values()) == 4  # written inside the transaction...
            raise RuntimeError("the request failed after the event")
        assert self.deliveries() == Counter()  # ...and gone with it

    def test_unknown_event_is_a_bug(self):
        with pytest.raises(ValueError, match="unknown webhook event"):
            services.webhook_enqueue(event="ticket.deleted", data={})
