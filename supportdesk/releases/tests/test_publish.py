"""Publishing a release: three waiting tickets reopen and three mails reach a real SMTP server."""


from django.test import override_settings
from django.urls import reverse

from supportdesk.catalog.models import Release
from supportdesk.customers.services import customer_for_email
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.releases.services import ReleaseAlreadyPublished, release_publish
from supportdesk.replies.tests.helpers import html_part, parsed, text_part
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.testing.servers import SmtpSink
from supportdesk.tickets import services
from supportdesk.tickets.models import Message, Status


class PublishTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.product = self.products["forward-tt"]
        self.release = Release.objects.create(product=self.product, version="7.1.0", notes="Исправлен вывод титров.",
                                              notes_en="Title output fixed.",
                                              download_url="https://www.softlab.tv/download/ftt-7.1.0")
        self.waiting = []
        for n, language in enumerate(["ru", "ru", "en"]):
            customer = customer_for_email(address=f"c{n}@example.ru", name=f"Клиент {n}", language=language)
            ticket = self.make_ticket(subject=f"Титры {n}", customer=customer)
            ticket = services.ticket_set_status(ticket=ticket, status=Status.WAITING_RELEASE, by_user=self.alice,
                                                release=self.release)
            self.waiting.append(ticket)
        self.other = self.make_ticket(subject="Не ждёт релиза")

    def test_three_waiting_tickets_reopen_and_three_mails_arrive(self) -> None:
        reopened = release_publish(release=self.release, by_user=self.sam, confirmed=True)
        assert sorted(t.pk for t in reopened) == sorted(t.pk for t in self.waiting)
        for ticket in self.waiting:
            ticket.refresh_from_db()
            assert ticket.status == Status.OPEN and ticket.waiting_release is None
        self.other.refresh_from_db()
        assert self.other.status == Status.NEW
        self.release.refresh_from_db()
        assert self.release.status == Release.Status.PUBLISHED and self.release.published_at
        with SmtpSink() as sink, override_settings(SMTP_HOST=sink.host, SMTP_PORT=sink.port):
            result = outbox_flush()
            received = sink.wait_for(3)
        assert result.sent == 3
        assert sorted(r for m in received for r in m.rcpt_tos) == ["c0@example.ru", "c1@example.ru", "c2@example.ru"]
        by_rcpt = {m.rcpt_tos[0]: parsed(m.data) for m in received}
        ru = by_rcpt["c0@example.ru"]
        body_ru = text_part(ru)
        assert "7.1.0" in body_ru and "https://www.softlab.tv/download/ftt-7.1.0" in body_ru
        assert "Исправлен вывод титров" in body_ru and ru["Auto-Submitted"] == "auto-generated"
        assert 'href="https://www.softlab.tv/download/ftt-7.1.0"' in html_part(ru)
        assert str(ru["Subject"]) == f"Re: [#{self.waiting[0].pk}] Титры 0"
        en = text_part(by_rcpt["c2@example.ru"])
        assert "Title output fixed." in en and "free" in en
        # The news is in each conversation, and it does not count as an answer.
        news = Message.objects.filter(ticket=self.waiting[0], kind=Message.Kind.OUTGOING).get()
        assert news.is_automatic and not news.answers_customer and news.outgoing_id

    def test_publishing_twice_is_refused(self) -> None:
        release_publish(release=self.release, by_user=self.sam, confirmed=True)
        with self.assertRaises(ReleaseAlreadyPublished):
            release_publish(release=self.release, by_user=self.sam, confirmed=True)
        assert OutgoingMail.objects.filter(kind="release").count() == 3

    def test_supervisor_page_publishes_agents_cannot(self) -> None:
        url = reverse("releases:publish", args=[self.release.pk])
        self.client.login(username="alice", password=PASSWORD)
        assert self.client.get(reverse("releases:list")).status_code == 200
        assert self.client.post(url).status_code == 403
        self.client.login(username="sam", password=PASSWORD)
        # Issue 13 item 7: the first POST only asks, naming how many customers will be mailed.
        asked = self.client.post(url)
        assert asked.status_code == 200
        assert "3 клиентам" in asked.content.decode() or "3 customers" in asked.content.decode()
        assert 'name="confirm" value="1"' in asked.content.decode()
        self.release.refresh_from_db()
        assert self.release.status == Release.Status.PLANNED and not OutgoingMail.objects.filter(kind="release")
        assert self.client.post(url, {"confirm": "1"}).status_code == 302
        self.release.refresh_from_db()
        assert self.release.status == Release.Status.PUBLISHED
