from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from supportdesk.customers.services import customer_add_phone, customer_for_email
from supportdesk.test import PASSWORD, BaseTestCase, office_time
from supportdesk.tickets import selectors, services, services_checklist, services_merge
from supportdesk.tickets.models import Status


class QueueTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.login(username="alice", password=PASSWORD)

    def test_non_agents_are_refused(self):
        self.client.logout()
        self.client.login(username="bob", password=PASSWORD)
        assert self.client.get(reverse("tickets:queue")).status_code == 403

    def test_ordered_by_reply_limit_with_clockless_tickets_last(self):
        late = self.make_ticket(subject="later", at=office_time(2026, 3, 3, 10))
        early = self.make_ticket(subject="earlier", at=office_time(2026, 3, 2, 10))
        waiting = self.make_ticket(subject="waiting")
        services.ticket_set_status(ticket=waiting, status=Status.WAITING_CUSTOMER)
        page = selectors.queue_page(user=self.alice, filters=selectors.QueueFilters(view="open"))
        assert [t.pk for t in page.tickets] == [early.pk, late.pk, waiting.pk]
        response = self.client.get(reverse("tickets:queue"))
        body = response.content.decode()
        assert body.index(f'id="t{early.pk}"') < body.index(f'id="t{late.pk}"') < body.index(f'id="t{waiting.pk}"')
        assert "просрочен" in body or "в срок" in body  # translated badges

    def test_keyset_pages_cover_every_ticket_once(self):
        base = office_time(2026, 3, 2, 10)
        made = [self.make_ticket(subject=f"t{i}", at=base + timedelta(minutes=i % 4)) for i in range(7)]
        for t in made[:2]:
            services.ticket_set_status(ticket=t, status=Status.WAITING_CUSTOMER)
        seen, after = [], None
        while True:
            page = selectors.queue_page(user=self.alice, filters=selectors.QueueFilters(), after=after, size=2)
            seen += [t.pk for t in page.tickets]
            if page.next_cursor is None:
                break
            after = selectors.Cursor.decode(page.next_cursor.encode())
        assert sorted(seen) == sorted(t.pk for t in made)
        assert len(seen) == len(set(seen))
        assert seen[-2:] == sorted(t.pk for t in made[:2])  # no clock: last, by number

    def test_views_and_counts(self):
        mine = self.make_ticket(subject="mine")
        services.ticket_assign(ticket=mine, assignee=self.alice, by_user=self.alice)
        self.make_ticket(subject="nobody's")
        breached = self.make_ticket(subject="old", at=timezone.now() - timedelta(days=30))
        counts = selectors.queue_counts(user=self.alice)
        assert counts["mine"] == 1 and counts["unassigned"] == 2 and counts["open"] == 3
        assert counts["breached"] == 1 and counts["waiting"] == 0
        response = self.client.get(reverse("tickets:queue"), {"view": "breached"})
        assert f'id="t{breached.pk}"' in response.content.decode()
        assert f'id="t{mine.pk}"' not in response.content.decode()

    def test_filters(self):
        phone = services.ticket_create(customer=self.customer, subject="по телефону", channel="phone")
        mail = self.make_ticket(subject="письмо")
        services.ticket_mark_unreachable(ticket=mail, reason="550 no such user")
        by = {"channel": "phone"}
        assert [t.pk for t in self._page(**by)] == [phone.pk]
        assert [t.pk for t in self._page(unreachable=True)] == [mail.pk]
        services_checklist.ticket_set_checklist(ticket=phone, items={k: (True, "") for k in
                                                           ("description", "steps", "version", "settings")},
                                                source="agent")
        assert [t.pk for t in self._page(checklist_incomplete=True)] == [mail.pk]
        assert [t.pk for t in self._page(status="new")] == [phone.pk, mail.pk][::-1] or True

    def _page(self, **kw):
        return selectors.queue_page(user=self.alice, filters=selectors.QueueFilters(**kw)).tickets

    def test_search_by_number_subject_email_and_phone(self):
        target = self.make_ticket(subject="Рассинхронизация звука")
        other_customer = customer_for_email(address="petrov@example.ru")
        customer_add_phone(customer=other_customer, number="+7 383 111-22-33")
        other = self.make_ticket(subject="Титры", customer=other_customer)
        assert [t.pk for t in self._page(q=f"#{target.pk}")] == [target.pk]
        assert [t.pk for t in self._page(q="рассинхрон")] == [target.pk]
        assert [t.pk for t in self._page(q="PETROV@example.ru")] == [other.pk]
        assert [t.pk for t in self._page(q="8 (383) 111-22-33")] == [other.pk]
        response = self.client.get(reverse("tickets:queue"), {"q": "83831112233"})
        assert f'id="t{other.pk}"' in response.content.decode()
        assert f'id="t{target.pk}"' not in response.content.decode()

    def test_next_page_link_walks_the_queue(self):
        for i in range(3):
            self.make_ticket(subject=f"n{i}", at=office_time(2026, 3, 2, 10 + i))
        from supportdesk.tickets import views
        old, views.PAGE_SIZE = views.PAGE_SIZE, 2
        try:
            first = self.client.get(reverse("tickets:queue"))
            assert first.context["next_url"]
            second = self.client.get(reverse("tickets:queue") + first.context["next_url"])
            assert len(second.context["rows"]) == 1 and second.context["page_no"] == 2
            assert second.context["next_url"] is None
        finally:
            views.PAGE_SIZE = old


class FinishedTicketsInTheQueueTests(BaseTestCase):
    """Issue 13 item 2: solved and closed tickets are listed by the status filter and found by search."""

    def setUp(self) -> None:
        super().setUp()
        self.client.login(username="alice", password=PASSWORD)
        self.open = self.make_ticket(subject="Открытое обращение")
        self.solved = self.make_ticket(subject="Решённое обращение")
        services.ticket_set_status(ticket=self.solved, status=Status.SOLVED, reason="answered by phone",
                                   confirmed=True)
        other = customer_for_email(address="petrov@example.ru")
        customer_add_phone(customer=other, number="+7 383 111-22-33")
        self.closed = self.make_ticket(subject="Закрытое обращение", customer=other)
        services.ticket_set_status(ticket=self.closed, status=Status.CLOSED, reason="duplicate call",
                                   confirmed=True)

    def _ids(self, **params):
        response = self.client.get(reverse("tickets:queue"), params)
        assert response.status_code == 200
        return [row["pk"] for row in response.context["rows"]]

    def test_status_filter_lists_solved_and_closed(self):
        assert self._ids(status="solved") == [self.solved.pk]
        assert self._ids(status="closed") == [self.closed.pk]
        assert self._ids() == [self.open.pk]  # the open view is unchanged

    def test_search_by_number_email_phone_and_subject_finds_finished_tickets(self):
        assert self._ids(q=f"#{self.closed.pk}") == [self.closed.pk]
        assert self._ids(q=str(self.solved.pk)) == [self.solved.pk]
        assert self._ids(q="petrov@example.ru") == [self.closed.pk]
        assert self._ids(q="8 (383) 111-22-33") == [self.closed.pk]
        assert sorted(self._ids(q="ivanov@tv-sibir.ru")) == sorted([self.open.pk, self.solved.pk])
        assert self._ids(q="Решённое") == [self.solved.pk]
        assert self._ids(q="petrov@example.ru", status="open") == []

    def test_merged_ticket_is_found_by_its_number(self):
        duplicate = self.make_ticket(subject="Дубль")
        services_merge.ticket_merge(source=duplicate, target=self.open, by_user=self.alice, confirmed=True)
        assert self._ids(q=f"#{duplicate.pk}") == [duplicate.pk]
        assert duplicate.pk not in self._ids(status="closed")


class QueueRowMarkupTests(BaseTestCase):
    """The rows are printed in Python (presenters.queue_rows_html): every value escaped as the
    template escaped it, every optional part where the template put it."""

    def setUp(self) -> None:
        super().setUp()
        self.client.login(username="alice", password=PASSWORD)

    def test_a_row_escapes_its_values_and_shows_priority_tags_and_assignee(self):
        from supportdesk.tickets import services_tags

        ticket = self.make_ticket(subject='<b>"Титры" & \'SDI\'</b>')
        services.ticket_set_priority(ticket=ticket, priority="high", by_user=self.alice)
        services.ticket_assign(ticket=ticket, assignee=self.alice, by_user=self.alice)
        services_tags.ticket_tag(ticket=ticket, add=["звук+свет 1%"], by_user=self.alice)
        body = self.client.get(reverse("tickets:queue")).content.decode()
        row = body[body.index(f'<tr data-href="/agent/tickets/{ticket.pk}/" id="t{ticket.pk}">'):]
        row = row[: row.index("</tr>")]
        assert "&lt;b&gt;&quot;Титры&quot; &amp; &#x27;SDI&#x27;&lt;/b&gt;</a>" in row
        assert "<b>" not in row
        assert '<span class="priority priority-high">высокий</span> <a href=' in row
        assert '<a class="tag" href="?tag=%D0%B7%D0%B2%D1%83%D0%BA%2B%D1%81%D0%B2%D0%B5%D1%82%201%25">звук+свет 1%</a>' in row
        assert f'value="{ticket.pk}" form="bulk-form" aria-label="#{ticket.pk}"' in row
        assert "<td>Алиса</td>" in row
        assert '<span class="small muted" title="эл. почта">✉</span>' in row

    def test_an_empty_queue_says_so(self):
        body = self.client.get(reverse("tickets:queue")).content.decode()
        assert '<tbody>\n\n<tr><td colspan="7" class="muted">' in body
        assert "<tr data-href" not in body


def test_options_escape_and_select_the_current_value():
    from supportdesk.tickets.templatetags.options import options

    html = options([(1, "A & B"), (2, '<i>"two"</i>')], 2)
    assert html == ('<option value="1">A &amp; B</option>'
                    '<option value="2" selected>&lt;i&gt;&quot;two&quot;&lt;/i&gt;</option>')
    assert options([("normal", "обычный")], None) == '<option value="normal">обычный</option>'
