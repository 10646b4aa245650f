"""A reply or status change sent from a page older than someone else's change asks first."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from supportdesk.accounts.roles import ensure_groups
from supportdesk.replies.services import ticket_reply
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import services, services_checklist
from supportdesk.tickets.models import Message, Status
from supportdesk.tickets.selectors import ticket_changes_since, ticket_latest_entry
from supportdesk.tickets.services import StaleSubmit


class StaleSubmitServiceTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        self.seen = ticket_latest_entry(ticket=self.ticket)

    def test_reply_after_a_colleagues_reply_is_refused_until_confirmed(self):
        theirs = ticket_reply(ticket=self.ticket, author=self.sam, text="Обновите драйвер до 4.2.")
        with self.assertRaises(StaleSubmit) as caught:
            ticket_reply(ticket=self.ticket, author=self.alice, text="Перезагрузите сервер.", seen=self.seen)
        assert [m.pk for m in caught.exception.changes] == [theirs.pk]
        assert f"#{self.ticket.pk}" in caught.exception.question
        assert not Message.objects.filter(body_text__contains="Перезагрузите").exists()
        mine = ticket_reply(ticket=self.ticket, author=self.alice, text="Перезагрузите сервер.", seen=self.seen,
                            confirmed=True)
        assert mine.kind == Message.Kind.OUTGOING

    def test_a_marker_past_the_change_is_not_stale(self):
        ticket_reply(ticket=self.ticket, author=self.sam, text="Обновите драйвер до 4.2.")
        fresh = ticket_latest_entry(ticket=self.ticket)
        ticket_reply(ticket=self.ticket, author=self.alice, text="И перезагрузите.", seen=fresh)

    def test_own_entries_and_bookkeeping_are_no_news(self):
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.NOTE, body_text="моя заметка",
                                    author_user=self.alice)
        services_checklist.ticket_set_checklist(ticket=self.ticket, items={"steps": (True, "")}, source="agent", by_user=self.sam)
        assert ticket_changes_since(ticket=self.ticket, seen=self.seen, user=self.alice) == []
        ticket_reply(ticket=self.ticket, author=self.alice, text="Ответ.", seen=self.seen)

    def test_customer_message_and_status_change_count(self):
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.INCOMING, body_text="ещё одно",
                                    author_customer=self.customer)
        services.ticket_set_status(ticket=self.ticket, status=Status.WAITING_CUSTOMER, by_user=self.sam)
        changes = ticket_changes_since(ticket=self.ticket, seen=self.seen, user=self.alice)
        assert [(m.kind, m.event) for m in changes] == [("incoming", ""), ("event", "status")]

    def test_status_change_stale_then_unanswered_reason_asked_once(self):
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.NOTE, body_text="звоню клиенту",
                                    author_user=self.sam)
        with self.assertRaises(StaleSubmit) as caught:
            services.ticket_set_status(ticket=self.ticket, status=Status.SOLVED, by_user=self.alice, seen=self.seen)
        assert caught.exception.needs_reason  # no public reply yet: the reason is asked in the same step
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.NEW
        services.ticket_set_status(ticket=self.ticket, status=Status.SOLVED, by_user=self.alice, seen=self.seen,
                                   confirmed=True, reason="дубль звонка")
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.SOLVED


class StaleSubmitPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        self.client.login(username="alice", password=PASSWORD)
        self.url = f"/agent/tickets/{self.ticket.pk}/"

    def marker(self) -> str:
        page = self.client.get(self.url).content.decode()
        assert 'name="seen" value="' in page
        return page.split('name="seen" value="', 1)[1].split('"', 1)[0]

    def test_stale_reply_comes_back_with_the_change_and_the_text_kept(self):
        seen = self.marker()
        ticket_reply(ticket=self.ticket, author=self.sam, text="Коллега уже ответил про драйвер.")
        response = self.client.post(self.url + "reply/", {"text": "Мой ответ", "seen": seen})
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="stale-changes"' in page
        assert "Коллега уже ответил про драйвер." in page
        assert ">Мой ответ</textarea>" in page
        assert not Message.objects.filter(body_text__contains="Мой ответ").exists()
        # The page came back with a marker past the change: sending from it is the confirmation.
        new_seen = page.split('name="seen" value="', 1)[1].split('"', 1)[0]
        assert int(new_seen) > int(seen)
        response = self.client.post(self.url + "reply/", {"text": "Мой ответ", "seen": new_seen})
        assert response.status_code == 302
        assert Message.objects.filter(kind=Message.Kind.OUTGOING, author_user=self.alice).exists()

    def test_stale_status_change_asks_on_the_confirmation_page(self):
        ticket_reply(ticket=self.ticket, author=self.sam, text="Ответил клиенту.")
        seen = self.marker()
        services.ticket_set_status(ticket=self.ticket, status=Status.WAITING_CUSTOMER, by_user=self.sam)
        response = self.client.post(self.url + "status/", {"status": "solved", "seen": seen})
        page = response.content.decode()
        assert 'id="confirm-details"' in page
        assert "Семён" in page
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.WAITING_CUSTOMER
        response = self.client.post(self.url + "status/", {"status": "solved", "seen": seen, "confirm": "1"})
        assert response.status_code == 302
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.SOLVED

    def test_a_marker_that_is_not_a_number_is_a_field_error(self):
        response = self.client.post(self.url + "status/", {"status": "solved", "seen": "abc"}, follow=True)
        assert response.status_code == 200
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.NEW

    def test_the_page_without_a_marker_still_works(self):
        agents, _ = ensure_groups()
        get_user_model().objects.get(username="alice").groups.add(agents)
        response = self.client.post(self.url + "note/", {"text": "заметка"})
        assert response.status_code == 302
