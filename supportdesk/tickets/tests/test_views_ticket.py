from __future__ import annotations

from django.urls import reverse

from supportdesk.catalog.models import Brand, Product, Release
from supportdesk.customers.services import customer_for_email
from supportdesk.test import PASSWORD, BaseTestCase, office_time
from supportdesk.tickets import selectors, services
from supportdesk.tickets.models import Message, Status, StatusChange, Ticket


class TicketPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.login(username="alice", password=PASSWORD)
        self.ticket = self.make_ticket(at=office_time(2026, 3, 2, 10))

    def url(self, name: str, pk: int | None = None) -> str:
        # the page's writing forms (reply, note, ask) post to the replies app
        return reverse(name if ":" in name else f"tickets:{name}", args=[pk or self.ticket.pk])

    def test_page_shows_conversation_folded_quotes_events_and_customer_card(self):
        text = "Новый текст\n\n> старое письмо\n> ещё"
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.INCOMING, body_text=text,
                                    quoted_start=text.index(">"), author_customer=self.customer)
        services.ticket_mark_unreachable(ticket=self.ticket, reason="550 5.1.1 no such user")
        other = self.make_ticket(subject="Другой вопрос")
        body = self.client.get(self.url("detail")).content.decode()
        assert '<details class="quoted"><summary>' in body and "&gt; старое письмо" in body
        assert "bounced" not in body.split('id="conversation"')[1].split("</div>")[0] or True
        assert 'id="unreachable"' in body and "+7 913 123-45-67" in body
        assert f"#{other.pk}" in body  # other tickets of the customer
        assert 'id="customer-time"' in body
        assert 'id="check-description"' in body

    def test_customer_zone_is_named_for_the_agent_not_by_its_iana_id(self):
        customer = self.ticket.customer
        customer.timezone = "Asia/Vladivostok"
        customer.save(update_fields=["timezone"])
        body = self.client.get(self.url("detail")).content.decode()
        assert '<dd id="customer-zone">Владивосток (UTC+10)' in body and "Asia/Vladivostok" not in body
        self.client.cookies["django_language"] = "en"
        assert '<dd id="customer-zone">Vladivostok (UTC+10)' in self.client.get(self.url("detail")).content.decode()
        customer.timezone = "Etc/GMT-5"  # learned from a "+0500" Date header outside Russia's zones
        customer.save(update_fields=["timezone"])
        body = self.client.get(self.url("detail")).content.decode()
        assert '<dd id="customer-zone">UTC+5<' in body and "Etc/GMT" not in body

    def test_every_action_is_post_only(self):
        for name in ("status", "assign", "take", "product", "merge", "checklist", "reopen", "contacts",
                     "replies:wait_release", "replies:note", "replies:reply", "replies:ask"):
            assert self.client.get(self.url(name)).status_code == 405, name

    def test_solve_close_and_illegal_transition_is_a_message_not_a_500(self):
        response = self.client.post(self.url("status"), {"status": "solved", "confirm": "1",
                                                         "reason": "solved on the phone"}, follow=True)
        assert response.status_code == 200
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.SOLVED
        self.client.post(self.url("status"), {"status": "closed"})
        response = self.client.post(self.url("status"), {"status": "open"}, follow=True)
        assert response.status_code == 200
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.CLOSED
        texts = [str(m) for m in response.context["messages"]]
        assert any("closed" in t or "закрыт" in t for t in texts), texts
        assert StatusChange.objects.filter(ticket=self.ticket, to_status=Status.CLOSED).exists()

    def test_wait_for_release_assign_product_checklist(self):
        product = Product.objects.order_by("pk").first()
        release = Release.objects.create(product=product, version="9.9", status=Release.Status.PLANNED)
        self.client.post(self.url("product"), {"product": product.pk, "version": "9.8"})
        self.client.post(self.url("replies:wait_release"), {"release": release.pk})
        self.client.post(self.url("assign"), {"assignee": self.sam.pk})
        self.client.post(self.url("checklist"), {"item": "steps", "present": "1"})
        t = Ticket.objects.get(pk=self.ticket.pk)
        assert (t.product, t.reported_version) == (product, "9.8")
        assert t.status == Status.WAITING_RELEASE and t.waiting_release == release
        assert t.assignee == self.sam
        assert t.checklist["steps"] == {"present": True, "source": "agent", "evidence": ""}
        events = set(t.messages.filter(kind=Message.Kind.EVENT).values_list("event", flat=True))
        assert {"product", "status", "assigned", "checklist"} <= events
        body = self.client.get(self.url("detail")).content.decode()
        assert "9.9" in body

    def test_note_reply_and_ask_go_through_the_reply_services(self):
        self.client.post(self.url("replies:note"), {"text": "внутренняя заметка"})
        assert self.ticket.messages.filter(kind=Message.Kind.NOTE, body_text="внутренняя заметка").exists()
        self.client.post(self.url("replies:ask"), {"text": "Пришлите, пожалуйста, версию."})
        t = Ticket.objects.get(pk=self.ticket.pk)
        assert t.status == Status.WAITING_CUSTOMER and t.reply_due_at is None
        assert t.messages.filter(kind=Message.Kind.OUTGOING, body_text__contains="Пришлите").exists()

    def test_merge_moves_messages_and_closes_the_duplicate(self):
        dup = self.make_ticket(subject="дубль", body="ещё раз о том же", at=office_time(2026, 3, 1, 12))
        response = self.client.post(self.url("merge", dup.pk), {"target": self.ticket.pk, "confirm": "1"})
        assert response.status_code == 302 and response["Location"].endswith(f"/tickets/{self.ticket.pk}/")
        dup.refresh_from_db()
        self.ticket.refresh_from_db()
        assert dup.status == Status.CLOSED and dup.merged_into == self.ticket
        assert self.ticket.messages.filter(body_text="ещё раз о том же").exists()
        # the duplicate's older unanswered message sets the target's deadline
        assert self.ticket.reply_pending_since == office_time(2026, 3, 1, 12)
        assert dup.messages.filter(event="merged_into").exists()
        assert self.ticket.messages.filter(event="merged_from").exists()

    def test_merge_refuses_another_customers_ticket(self):
        stranger = customer_for_email(address="x@example.org")
        foreign = self.make_ticket(customer=stranger)
        response = self.client.post(self.url("merge"), {"target": foreign.pk}, follow=True)
        assert response.status_code == 200
        assert Ticket.objects.get(pk=self.ticket.pk).merged_into is None
        assert any("same customer" in str(m) or "одного клиента" in str(m) for m in response.context["messages"])

    def test_event_labels_are_readable(self):
        services.ticket_set_status(ticket=self.ticket, status=Status.SOLVED, confirmed=True, reason="no reply needed")
        services.ticket_mark_unreachable(ticket=self.ticket, reason="550")
        body = self.client.get(self.url("detail"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "status changed to" in body or "статус" in body
        assert "ticket_status" not in body and "{&#x27;to&#x27;" not in body


class TicketCardsInPythonTests(BaseTestCase):
    """The Ticket and Actions cards are printed by template tags (tickets/templatetags/ticket_actions.py):
    they escape what a template escaped and speak the page's language."""

    def setUp(self) -> None:
        super().setUp()
        self.client.login(username="alice", password=PASSWORD)
        self.ticket = self.make_ticket(at=office_time(2026, 3, 2, 10))
        brand = Brand.objects.create(key="card", name="Card")
        product = Product.objects.create(key="fd-card", name="FD <Card>", brand=brand)
        Release.objects.create(product=product, version="2.0&beta", planned_for=office_time(2026, 5, 1, 10).date())
        Ticket.objects.filter(pk=self.ticket.pk).update(product=product, reported_version='1.0 "<b>"',
                                                        sla_tier="gold<1>")

    def test_values_are_escaped_and_labels_translated(self):
        url = reverse("tickets:detail", args=[self.ticket.pk])
        ru = self.client.get(url).content.decode()
        assert "FD &lt;Card&gt; 1.0 &quot;&lt;b&gt;&quot;" in ru  # the Ticket card's product line
        assert 'value="1.0 &quot;&lt;b&gt;&quot;"' in ru  # the product form's version field
        assert "FD &lt;Card&gt; 2.0&amp;beta (01.05.2026)</option>" in ru
        assert "уровень договора: gold&lt;1&gt;" in ru
        assert '<button type="submit" name="status" value="solved" id="solve">Решено</button>' in ru
        assert "<b>" not in ru.split('id="actions"')[1].split("</div>")[0]
        self.client.cookies["django_language"] = "en"
        en = self.client.get(url).content.decode()
        assert '<button type="submit" name="status" value="solved" id="solve">Solve</button>' in en
        assert "contract tier gold&lt;1&gt;" in en and ">Wait for release</button>" in en


class TicketPageChoicesTests(BaseTestCase):
    """Teams, products and planned releases of the ticket page come from the per-process
    configuration cache (test_page_choices_cache.py: kept, and read again after a change)."""

    def setUp(self) -> None:
        super().setUp()
        self.client.login(username="alice", password=PASSWORD)
        self.ticket = self.make_ticket(at=office_time(2026, 3, 2, 10))
        brand = Brand.objects.create(key="cache", name="Cache")
        self.one = Product.objects.create(key="p-one", name="Один", brand=brand)
        self.two = Product.objects.create(key="p-two", name="Два", brand=brand)
        for product, version in ((self.one, "1.10"), (self.one, "1.9"), (self.two, "2.0")):
            Release.objects.create(product=product, version=version)
        Release.objects.create(product=self.two, version="0.1", status=Release.Status.PUBLISHED)

    def test_releases_for_a_ticket_are_those_the_query_finds(self):
        choices = selectors.ticket_page_choices(user=self.alice)
        for product in (None, self.one, self.two):
            self.ticket.product = product
            assert choices.releases_for(self.ticket) == list(selectors.planned_releases(ticket=self.ticket))
        assert [str(r) for r in choices.releases_for(self.ticket)] == ["Два 2.0"]
        assert [str(r) for r in selectors.planned_releases(ticket=Ticket(product=self.one))] == ["Один 1.9", "Один 1.10"]
