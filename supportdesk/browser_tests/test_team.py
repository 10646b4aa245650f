"""Two agents on one ticket, and the notifications bell, in the real browser (issue 17, 2 and 3).

Two browser contexts are two agents with their own sessions: Alice and Семён (Sam).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from supportdesk.mail.ingest import ingest_raw
from supportdesk.outbox.services import outbox_flush
from supportdesk.replies.tests.helpers import TRUSTED_MTA, customer_mail, parsed, text_part
from supportdesk.test import PASSWORD, Personas
from supportdesk.testing.browser import ChromiumPerClass
from supportdesk.testing.servers import SmtpSink, chromium_available
from supportdesk.tickets import services
from supportdesk.tickets.models import Message

PACKAGE_STATIC = Path(__file__).resolve().parents[1] / "static"
WAIT = 15_000  # ms: a few presence polls (every 3 s) or bell polls (every 10 s)

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")


@override_settings(STATICFILES_DIRS=[PACKAGE_STATIC])
class TwoAgentsCase(Personas, ChromiumPerClass, StaticLiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        self.contexts = []
        expect.set_options(timeout=WAIT)

    def tearDown(self) -> None:
        for context in self.contexts:
            context.close()
        super().tearDown()

    def agent_page(self, username: str):  # noqa: ANN201 - a Playwright Page
        context = self.browser.new_context(viewport={"width": 1360, "height": 900}, locale="ru-RU")
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#queue")
        return page


class WhoIsOnItTests(TwoAgentsCase):
    presence_poll_seconds = 3

    def test_b_sees_a_on_the_ticket_and_typing_and_as_stale_reply_asks_first(self):
        ticket = self.make_ticket(subject="Нет звука на выходе", body="После обновления пропал звук на SDI.")
        url = f"{self.live_server_url}/agent/tickets/{ticket.pk}/"
        alice, sam = self.agent_page("alice"), self.agent_page("sam")
        alice.goto(url)
        sam.goto(url)
        # Each sees the other on the ticket.
        expect(sam.locator("#presence-others")).to_contain_text("Алиса")
        expect(alice.locator("#presence-others")).to_contain_text("Семён")
        expect(sam.locator("#presence-others")).not_to_contain_text("печатает")
        # Alice starts typing a reply: Sam sees it.
        alice.locator("#reply-text").press_sequentially("Перезагрузите сервер вывода.")
        expect(sam.locator("#presence-others .viewer.typing")).to_contain_text("Алиса — печатает ответ")
        # Sam answers first.
        sam.fill("#reply-text", "Обновите драйвер платы до версии 4.2.")
        sam.click("#send-reply")
        expect(sam.locator(".messages")).to_contain_text("Ответ отправлен")
        # Alice's page already tells her something new arrived...
        expect(alice.locator("#presence-changes")).to_contain_text("Обновите драйвер платы до версии 4.2.")
        # ...and her send, from the page loaded before Sam's reply, asks first and shows it.
        alice.click("#send-reply")
        expect(alice.locator("#stale-changes")).to_contain_text("Семён")
        expect(alice.locator("#stale-changes")).to_contain_text("Обновите драйвер платы до версии 4.2.")
        expect(alice.locator("#reply-text")).to_have_value("Перезагрузите сервер вывода.")
        assert not Message.objects.filter(author_user=self.alice, kind=Message.Kind.OUTGOING).exists()
        expect(alice.locator("#send-reply")).to_have_text("Всё равно отправить")
        alice.click("#send-reply")
        expect(alice.locator(".messages")).to_contain_text("Ответ отправлен")
        assert Message.objects.filter(author_user=self.alice, kind=Message.Kind.OUTGOING).count() == 1
        # Sam leaves the ticket: Alice stops seeing him without waiting for the expiry.
        sam.goto(self.live_server_url + "/agent/")
        expect(alice.locator("#presence-others")).to_have_count(0)


@override_settings(MAIL_AUTHSERV_IDS=[TRUSTED_MTA])
class NotificationBellTests(TwoAgentsCase):
    def test_customer_reply_and_mention_raise_the_bell_and_mail_the_assignee(self):
        ticket = self.make_ticket(subject="Не выводятся титры", body="Титры не выводятся на SDI 2.")
        services.ticket_assign(ticket=ticket, assignee=self.alice, by_user=self.sam)
        alice = self.agent_page("alice")
        expect(alice.locator("#bell-count")).to_have_text("1")  # Семён assigned it to her
        # The customer answers by mail, through the intake: Alice's bell goes up by itself.
        raw = customer_mail(sender="ivanov@tv-sibir.ru", name="Иван Иванов",
                            subject=f"Re: [#{ticket.pk}] Не выводятся титры",
                            body="Обновил драйвер, титры так и не появились.", sent=timezone.now(),
                            message_id="reply-bell@tv-sibir.ru")
        ingest_raw(raw, source="lmtp")
        assert ticket.messages.filter(kind=Message.Kind.INCOMING).count() == 2
        expect(alice.locator("#bell-count")).to_have_text("2")
        # Семён mentions her in an internal note from his own browser.
        sam = self.agent_page("sam")
        sam.goto(f"{self.live_server_url}/agent/tickets/{ticket.pk}/")
        sam.click("#note-box summary")
        sam.fill("#note-text", "@alice посмотри логи платы, пожалуйста")
        sam.click("#add-note")
        expect(sam.locator(".messages")).to_contain_text("Заметка добавлена")
        expect(alice.locator("#bell-count")).to_have_text("3")
        # The list names all three; opening the mention marks it read and shows the ticket.
        alice.click("#bell")
        items = alice.locator("#notifications li.unread")
        expect(items).to_have_count(3)
        expect(items.nth(0)).to_contain_text("Семён упомянул(а) вас в заметке")
        expect(items.nth(1)).to_contain_text("Клиент ответил в вашей заявке")
        expect(items.nth(2)).to_contain_text("Семён назначил(а) вам заявку")
        items.nth(0).locator("button.headline").click()
        expect(alice.locator("h1")).to_contain_text(f"[#{ticket.pk}]")
        expect(alice.locator("#bell-count")).to_have_text("2")
        alice.click("#bell")
        alice.click("#mark-all-read")
        expect(alice.locator("#bell-count")).to_have_count(0)
        # The mail: read back from a real SMTP server.
        sink = SmtpSink().start()
        self.addCleanup(sink.stop)
        with override_settings(SMTP_HOST=sink.host, SMTP_PORT=sink.port):
            outbox_flush()
        to_alice = {str(m["Subject"]): m for m in (parsed(r.data) for r in sink.messages
                                                   if r.rcpt_tos == ("alice@softlab.tv",))}
        mention = to_alice[f"Семён упомянул(а) вас в заметке к заявке №{ticket.pk}: Не выводятся титры"]
        assert "@alice посмотри логи платы" in text_part(mention)
        assert f"Клиент ответил в вашей заявке №{ticket.pk}: Не выводятся титры" in to_alice
        assert not [r for r in sink.messages if "sam@softlab.tv" in r.rcpt_tos]  # never the actor
