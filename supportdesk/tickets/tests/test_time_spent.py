from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from supportdesk.replies import services as replies
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import selectors, services_merge
from supportdesk.tickets.models import Message


class TimeSpentTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        self.client.login(username="alice", password=PASSWORD)

    def test_note_and_reply_minutes_are_summed_per_ticket_and_agent(self):
        self.client.post(reverse("replies:note", args=[self.ticket.pk]), {"text": "Проверил логи", "minutes": "25"})
        replies.ticket_note(ticket=self.ticket, author=self.sam, text="Созвонился", time_spent=50)
        replies.ticket_note(ticket=self.ticket, author=self.alice, text="Без учёта времени")
        assert list(Message.objects.filter(kind="note").order_by("id").values_list("time_spent", flat=True)) == [
            25, 50, None]
        spent = selectors.ticket_time_spent(user=self.alice, ticket=self.ticket)
        assert (spent.total, spent.hours, spent.minutes) == (75, 1, 15)
        assert spent.by_agent == [("Семён", 50), ("Алиса", 25)]
        page = self.client.get(reverse("tickets:detail", args=[self.ticket.pk])).content.decode()
        assert '<strong id="time-total">75 мин</strong>' in page
        assert "(1 ч 15 мин)" in page and "⏱ 25 мин" in page

    def test_the_page_sums_its_loaded_conversation_as_the_query_does(self):
        replies.ticket_note(ticket=self.ticket, author=self.alice, text="a", time_spent=10)
        replies.ticket_note(ticket=self.ticket, author=self.sam, text="b", time_spent=30)
        replies.ticket_note(ticket=self.ticket, author=self.alice, text="c", time_spent=15)
        replies.ticket_note(ticket=self.ticket, author=self.sam, text="d")
        conversation = list(selectors.ticket_conversation(user=self.alice, ticket=self.ticket))
        with self.assertNumQueries(0):
            loaded = selectors.ticket_time_spent(user=self.alice, ticket=self.ticket, conversation=conversation)
        queried = selectors.ticket_time_spent(user=self.alice, ticket=self.ticket)
        assert loaded == queried
        assert (loaded.total, loaded.by_agent) == (55, [("Семён", 30), ("Алиса", 25)])

    def test_minutes_follow_a_merge_and_sum_per_agent_and_period(self):
        other = self.make_ticket(subject="дубль")
        replies.ticket_note(ticket=other, author=self.alice, text="a", time_spent=10)
        replies.ticket_note(ticket=self.ticket, author=self.alice, text="b", time_spent=5)
        services_merge.ticket_merge(source=other, target=self.ticket, by_user=self.alice, confirmed=True)
        assert selectors.ticket_time_spent(user=self.alice, ticket=self.ticket).total == 15
        now = timezone.now()
        per_agent = selectors.time_spent_per_agent(user=self.sam, since=now - timedelta(hours=1),
                                                   until=now + timedelta(minutes=1))
        assert per_agent == {self.alice.pk: 15}
        assert selectors.time_spent_per_agent(user=self.sam, since=now + timedelta(minutes=1),
                                              until=now + timedelta(hours=1)) == {}

    def test_a_bad_value_names_the_field_and_keeps_the_text(self):
        for value in ("0", "-5", "1441", "abc", "²"):
            response = self.client.post(reverse("replies:note", args=[self.ticket.pk]),
                                        {"text": "Заметка", "minutes": value})
            body = response.content.decode()
            assert response.status_code == 200
            assert "Затраченное время, мин" in body, value
            assert "Заметка</textarea>" in body
        assert not Message.objects.filter(kind="note").exists()
