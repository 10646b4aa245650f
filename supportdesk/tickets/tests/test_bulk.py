from __future__ import annotations

from django.test import Client
from django.urls import reverse

from supportdesk.audit.models import AuditEntry
from supportdesk.customers.services import customer_for_email
from supportdesk.replies import services as replies
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import bulk, selectors, services
from supportdesk.tickets.models import Status, Ticket


class BulkTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.a, self.b, self.c = (self.make_ticket(subject=s) for s in ("a", "b", "c"))
        self.client.login(username="alice", password=PASSWORD)
        self.url = reverse("tickets:bulk")

    def post(self, **data: object):
        return self.client.post(self.url, data, follow=True)

    def test_assign_and_tag_every_row(self):
        response = self.post(ticket=[self.a.pk, self.b.pk], action="assign", assignee=self.sam.pk,
                             back="tag=x&sort=newest&after=y")
        assert response.redirect_chain[-1][0] == "/agent/?tag=x&sort=newest"
        assert set(Ticket.objects.filter(assignee=self.sam).values_list("pk", flat=True)) == {self.a.pk, self.b.pk}
        self.post(ticket=[self.a.pk, self.c.pk], action="tag", tag="SDI, срочно")
        assert selectors.ticket_tags(user=self.alice, ticket=self.c) == ["sdi", "срочно"]
        self.post(ticket=[self.a.pk], action="untag", tag="срочно")
        assert selectors.ticket_tags(user=self.alice, ticket=self.a) == ["sdi"]
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.BULK_ACTION).order_by("id").first()
        assert entry.details == {"action": "assign", "done": [self.a.pk, self.b.pk], "refused": [],
                                 "assignee": "sam"}

    def test_refused_rows_are_reported_and_the_others_done(self):
        replies.ticket_note(ticket=self.a, author=self.alice, text="note")  # no public reply yet anywhere
        services.ticket_add_message(ticket=self.b, kind="outgoing", body_text="Ответ", author_user=self.alice)
        services.ticket_set_status(ticket=self.c, status=Status.CLOSED, reason="спам", confirmed=True)
        body = self.post(ticket=[self.a.pk, self.b.pk, self.c.pk, 999999], action="status",
                         status="solved").content.decode()
        assert Ticket.objects.get(pk=self.b.pk).status == Status.SOLVED
        assert Ticket.objects.get(pk=self.a.pk).status == Status.NEW
        assert f"Выполнено для 1: #{self.b.pk}." in body
        assert f"#{self.a.pk} не изменено: По обращению #{self.a.pk} не было публичного ответа" in body
        assert f"#{self.c.pk} не изменено: Обращение нельзя перевести из статуса «закрыто» в «решено»." in body
        assert "#999999 не изменено: Такого обращения нет." in body
        # confirmed with a reason, the unanswered one ends too (the ticket page's rule)
        self.post(ticket=[self.a.pk], action="status", status="solved", unanswered="1", reason="дубль звонка")
        assert Ticket.objects.get(pk=self.a.pk).status == Status.SOLVED

    def test_merge_asks_first_then_merges_into_the_oldest(self):
        stranger = customer_for_email(address="petrov@example.ru", name="Пётр")
        foreign = self.make_ticket(subject="чужая", customer=stranger)
        first = self.client.post(self.url, {"ticket": [self.c.pk, self.b.pk, self.a.pk, foreign.pk], "action": "merge"})
        assert first.status_code == 200
        assert f"#{self.b.pk}, #{self.c.pk}" not in first.content.decode()  # kept in the order ticked
        assert f"в #{self.a.pk}" in first.content.decode()
        assert Ticket.objects.filter(merged_into__isnull=False).count() == 0
        # the status box's "also unanswered" tick is no confirmation of a merge
        again = self.client.post(self.url, {"ticket": [self.a.pk, self.b.pk], "action": "merge", "unanswered": "1"})
        assert 'id="confirm-yes"' in again.content.decode()
        body = self.post(ticket=[self.c.pk, self.b.pk, self.a.pk, foreign.pk], action="merge",
                         confirm="1").content.decode()
        assert set(Ticket.objects.filter(merged_into=self.a).values_list("pk", flat=True)) == {self.b.pk, self.c.pk}
        assert f"#{foreign.pk} не изменено: объединять можно только обращения одного клиента" in body

    def test_form_errors_name_the_field(self):
        body = self.post(action="status", status="solved").content.decode()
        assert "Отметьте хотя бы одно обращение" in body
        body = self.post(ticket=[self.a.pk], action="tag", tag="a/b").content.decode()
        assert "Метки: Метка не может содержать «/»." in body
        body = self.post(ticket=[self.a.pk], action="status").content.decode()
        assert "Статус: Выберите статус." in body
        assert self.post(ticket=["²", "1e3"], action="assign").status_code == 200
        assert self.client.post(self.url, {"ticket": [self.a.pk], "action": "drop"}).status_code == 302

    def test_post_only_with_csrf_and_agents_only(self):
        assert self.client.get(self.url).status_code == 405
        strict = Client(enforce_csrf_checks=True)
        strict.login(username="alice", password=PASSWORD)
        assert strict.post(self.url, {"ticket": [self.a.pk], "action": "assign"}).status_code == 403
        outsider = Client()
        outsider.login(username="bob", password=PASSWORD)
        assert outsider.post(self.url, {"ticket": [self.a.pk], "action": "assign", "assignee": ""}).status_code == 403
        assert Ticket.objects.get(pk=self.a.pk).assignee is None

    def test_each_row_is_checked_through_the_selector(self):
        seen: list[int] = []
        original = selectors.ticket_for_agent

        def spy(*, user, pk):
            seen.append(pk)
            return original(user=user, pk=pk)

        bulk.selectors.ticket_for_agent = spy  # type: ignore[assignment]
        try:
            bulk.tickets_bulk_assign(user=self.alice, pks=[self.a.pk, self.b.pk, self.a.pk], assignee=None)
        finally:
            bulk.selectors.ticket_for_agent = original  # type: ignore[assignment]
        assert seen == [self.a.pk, self.b.pk]

    def test_priority_recomputes_each_running_clock(self):
        before = {t.pk: t.reply_due_at for t in (self.a, self.b)}
        body = self.post(ticket=[self.a.pk, self.b.pk], action="priority", priority="urgent").content.decode()
        assert f"Выполнено для 2: #{self.a.pk}, #{self.b.pk}." in body
        for pk in (self.a.pk, self.b.pk):
            ticket = Ticket.objects.get(pk=pk)
            assert ticket.priority == "urgent"
            assert ticket.reply_due_at < before[pk]
        body = self.post(ticket=[self.a.pk], action="priority", priority="panic").content.decode()
        assert "Приоритет: " in body
        assert Ticket.objects.get(pk=self.c.pk).priority == "normal"
