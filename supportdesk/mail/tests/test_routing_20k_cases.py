"""Threading cases found on the 20,000-message B1 corpus (seed 42), one small case per kind.

Of the 18 replies not threaded onto their thread's ticket there, 10 were "Re: subject" mails
without threading headers; the 8 others referenced such a mail and rightly followed it. On
subject and sender alone those cases are ambiguous, and the first classes pin what the rule
(SPEC §5) does then. But each of those mails quotes the message it answers, and the quote
settles it (``QuotedHistoryTests``). The last class was a bug: a fixed page of 100 candidate
tickets could hide the sender's own ticket.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from supportdesk.customers.services import customer_for_email
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.test import BaseTestCase
from supportdesk.tickets import services
from supportdesk.tickets.models import Ticket

SUBJECT = "Не срабатывает резервирование канала 6"


class RoutingCaseTestCase(BaseTestCase):
    def ingest(self, raw: bytes) -> Any:
        return ingest_raw(raw, source="test")

    def open_ticket(self, *, sender: str, subject: str = SUBJECT, message_id: str | None = None) -> Ticket:
        result = self.ingest(make_mail(sender=sender, subject=subject, message_id=message_id))
        self.assertEqual(result.outcome, Outcome.TICKETED)
        return Ticket.objects.get(pk=result.ticket_id)

    def route_of(self, result: Any) -> str:
        return str(InboundMail.objects.get(pk=result.inbound_id).route)


class SubjectOnlyReplyTests(RoutingCaseTestCase):
    def test_another_person_at_a_public_mail_service_opens_a_new_ticket(self) -> None:
        # 001790, 011215, 014720: the corpus treats yandex.ru/inbox.ru/internet.ru users as
        # colleagues; a public mail domain says nothing about who works with whom.
        ticket = self.open_ticket(sender="a.popov@yandex.ru")
        result = self.ingest(make_mail(sender="a.vorobev@yandex.ru", subject=f"Re: {SUBJECT}"))
        self.assertTrue(result.opened_ticket)
        self.assertNotEqual(result.ticket_id, ticket.pk)

    def test_a_re_without_any_subject_text_never_threads(self) -> None:
        # 008662: the request had no subject, the reply says only "Re:".
        ticket = self.open_ticket(sender="s.aleksandrov@tv-vladivostok.ru", subject="")
        result = self.ingest(make_mail(sender="s.aleksandrov@tv-vladivostok.ru", subject="Re:"))
        self.assertTrue(result.opened_ticket)
        self.assertNotEqual(result.ticket_id, ticket.pk)

    def test_two_open_tickets_of_the_sender_with_that_subject_the_newest_wins(self) -> None:
        # 006141, 007422: the customer wrote the same request twice and then answered the
        # first thread without headers; nothing in the mail tells the two apart.
        self.open_ticket(sender="semenov@kanal-voronezh.ru")
        newer = self.open_ticket(sender="semenov@kanal-voronezh.ru")
        result = self.ingest(make_mail(sender="semenov@kanal-voronezh.ru", subject=f"RE: {SUBJECT}"))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, newer.pk))
        self.assertEqual(self.route_of(result), "subject")

    def test_two_colleagues_tickets_with_that_subject_the_newest_wins(self) -> None:
        # 006177: a third colleague answers; both colleagues' tickets match.
        self.open_ticket(sender="a.semenov@tvc-msk.ru")
        newer = self.open_ticket(sender="g.morozov@tvc-msk.ru")
        result = self.ingest(make_mail(sender="roman.zakharov@tvc-msk.ru", subject=f"Re: {SUBJECT}"))
        self.assertEqual(result.ticket_id, newer.pk)

    def test_the_senders_own_ticket_comes_before_a_newer_colleagues(self) -> None:
        # 003509, 014569, 015640 in a bulk import, where every ticket is "now".
        own = self.open_ticket(sender="efir@mediagroup-tomsk.ru")
        self.open_ticket(sender="master@mediagroup-tomsk.ru")
        result = self.ingest(make_mail(sender="efir@mediagroup-tomsk.ru", subject=f"Re: {SUBJECT}"))
        self.assertEqual(result.ticket_id, own.pk)

    def test_an_own_ticket_outside_the_window_leaves_the_colleagues(self) -> None:
        # 014569, 015640 as live mail: the own ticket is months old, the colleague's is not.
        own = self.open_ticket(sender="efir@mediagroup-tomsk.ru")
        long_ago = timezone.now() - timedelta(days=60)
        Ticket.objects.filter(pk=own.pk).update(created_at=long_ago, last_customer_message_at=long_ago)
        colleagues = self.open_ticket(sender="master@mediagroup-tomsk.ru")
        result = self.ingest(make_mail(sender="efir@mediagroup-tomsk.ru", subject=f"Re: {SUBJECT}"))
        self.assertEqual(result.ticket_id, colleagues.pk)


def request_body(topic: str) -> str:
    return (f"Добрый день.\n\nПосле обновления {topic} перестало работать, эфир под угрозой.\n"
            f"Проверяли на двух серверах, результат одинаковый: {topic}.\n\nС уважением,\nинженер эфира")


def reply_quoting(body: str, *, who: str = "Алексей Попов") -> str:
    quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    return f"Коллеги, напоминаю о проблеме, ответьте, пожалуйста.\n\n08.01.2026 10:52, {who} пишет:\n{quoted}\n"


class QuotedHistoryTests(RoutingCaseTestCase):
    """The same 20k cases when the reply quotes what it answers, as every one of them did."""

    def open_with_body(self, *, sender: str, topic: str, subject: str = SUBJECT) -> tuple[Ticket, str]:
        body = request_body(topic)
        result = self.ingest(make_mail(sender=sender, subject=subject, body=body))
        self.assertEqual(result.outcome, Outcome.TICKETED)
        return Ticket.objects.get(pk=result.ticket_id), body

    def test_the_quoted_one_of_two_own_tickets_with_that_subject(self) -> None:
        # 006141, 007422: the older thread is answered.
        older, body = self.open_with_body(sender="semenov@kanal-voronezh.ru", topic="резервный канал 6")
        self.open_with_body(sender="semenov@kanal-voronezh.ru", topic="переключение на резерв по GPI")
        result = self.ingest(make_mail(sender="semenov@kanal-voronezh.ru", subject=f"RE: {SUBJECT}",
                                       body=reply_quoting(body)))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, older.pk))
        self.assertEqual(self.route_of(result), "quote")

    def test_the_quoted_colleagues_ticket_of_two(self) -> None:
        # 006177
        quoted, body = self.open_with_body(sender="a.semenov@tvc-msk.ru", topic="превью в медиатеке")
        self.open_with_body(sender="g.morozov@tvc-msk.ru", topic="миниатюры клипов")
        result = self.ingest(make_mail(sender="roman.zakharov@tvc-msk.ru", subject=f"Re: {SUBJECT}",
                                       body=reply_quoting(body)))
        self.assertEqual(result.ticket_id, quoted.pk)

    def test_a_quoted_colleagues_ticket_before_the_senders_own(self) -> None:
        # 015640: the sender's own older ticket has the subject too, the quote is the colleague's.
        self.open_with_body(sender="smirnova@kaliningradmedia.ru", topic="зависание интерфейса")
        colleagues, body = self.open_with_body(sender="morozova81@kaliningradmedia.ru", topic="большие плейлисты")
        result = self.ingest(make_mail(sender="smirnova@kaliningradmedia.ru", subject=f"Re: {SUBJECT}",
                                       body=reply_quoting(body)))
        self.assertEqual(result.ticket_id, colleagues.pk)

    def test_an_outlook_quote_matches_the_quoted_text_not_the_header_block(self) -> None:
        # 012365: the older thread holds an earlier Outlook quote with the same From/To lines.
        sender = "yuliya.sokolova@mediagroup-rostov.ru"
        block = f"-----Исходное сообщение-----\nОт: Юлия Соколова <{sender}>\nКому: support@forwardtv.example\n"
        older, _ = self.open_with_body(sender=sender, topic="метки SCTE-35")
        self.ingest(make_mail(sender=sender, subject=f"Re: {SUBJECT}", in_reply_to=None,
                              references=None, body=f"Ещё раз пишу.\n\n{block}Отправлено: 08.03.2026 15:37\n\nстарое"))
        newer, body = self.open_with_body(sender=sender, topic="вставка меток на рекламных блоках")
        Ticket.objects.filter(pk=older.pk).update(created_at=timezone.now() + timedelta(minutes=1))  # newest first
        result = self.ingest(make_mail(sender=sender, subject=f"Re: {SUBJECT}",
                                       body=f"Уточните сроки.\n\n{block}Отправлено: 10.08.2026 20:55\n\n{body}"))
        self.assertEqual(result.ticket_id, newer.pk)

    def test_a_colleague_at_a_public_mail_service_by_the_quote(self) -> None:
        # 001790, 011215, 014720: the domain says nothing, the quote does.
        ticket, body = self.open_with_body(sender="a.popov@yandex.ru", topic="резервирование канала")
        result = self.ingest(make_mail(sender="a.vorobev@yandex.ru", subject=f"Re: {SUBJECT}",
                                       body=reply_quoting(body)))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, ticket.pk))

    def test_an_empty_subject_threads_by_the_quote(self) -> None:
        # 008662
        ticket, body = self.open_with_body(sender="s.aleksandrov@tv-vladivostok.ru", topic="звук", subject="")
        result = self.ingest(make_mail(sender="s.aleksandrov@tv-vladivostok.ru", subject="Re:",
                                       body=reply_quoting(body)))
        self.assertEqual(result.ticket_id, ticket.pk)

    def test_a_stranger_quoting_only_our_reply_opens_a_new_ticket(self) -> None:
        # Our replies end alike in every ticket: quoting one identifies nothing.
        ticket, _ = self.open_with_body(sender="a.popov@yandex.ru", topic="резервирование канала")
        ours = "Служба технической поддержки SoftLab, телефон +7 383 000-00-00\nРабота с обращениями по будням с 9 до 18"
        services.ticket_add_message(ticket=ticket, kind="outgoing", body_text=f"Проверьте настройки.\n\n{ours}",
                                    subject=f"Re: {SUBJECT}")
        result = self.ingest(make_mail(sender="a.vorobev@yandex.ru", subject=f"Re: {SUBJECT}",
                                       body=reply_quoting(ours, who="SoftLab")))
        self.assertTrue(result.opened_ticket)

    def test_a_quote_of_nothing_known_leaves_the_newest_own_ticket(self) -> None:
        self.open_with_body(sender="semenov@kanal-voronezh.ru", topic="резервный канал 6")
        newer, _ = self.open_with_body(sender="semenov@kanal-voronezh.ru", topic="переключение по GPI")
        result = self.ingest(make_mail(sender="semenov@kanal-voronezh.ru", subject=f"Re: {SUBJECT}",
                                       body=reply_quoting(request_body("письмо, которого у нас нет"))))
        self.assertEqual(result.ticket_id, newer.pk)
        self.assertEqual(self.route_of(result), "subject")

    def test_an_empty_subject_with_a_quote_of_nothing_known_opens_a_new_ticket(self) -> None:
        ticket, _ = self.open_with_body(sender="s.aleksandrov@tv-vladivostok.ru", topic="звук", subject="")
        result = self.ingest(make_mail(sender="s.aleksandrov@tv-vladivostok.ru", subject="Re:",
                                       body=reply_quoting(request_body("совсем другое"))))
        self.assertTrue(result.opened_ticket)
        self.assertNotEqual(result.ticket_id, ticket.pk)


class ReferencesAfterAMisplacedReplyTests(RoutingCaseTestCase):
    def test_the_newest_known_reference_wins_over_the_thread_root(self) -> None:
        # 001808, 001882, 008901, ...: the parent was a subject-only reply that opened (or
        # joined) another ticket; its answer follows the parent, as after an agent's split.
        root = self.open_ticket(sender="m.yakovleva@internet.ru", message_id="root.1703@internet.ru")
        parent = self.ingest(make_mail(sender="roman.korolev@internet.ru", subject=f"RE: {SUBJECT}",
                                       message_id="reply.1790@internet.ru"))
        self.assertTrue(parent.opened_ticket)
        result = self.ingest(make_mail(
            sender="roman.korolev@internet.ru", subject=f"RE: {SUBJECT}",
            in_reply_to="agent.1808@softlab.tv",
            references="<root.1703@internet.ru> <reply.1790@internet.ru> <agent.1808@softlab.tv>"))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, parent.ticket_id))
        self.assertNotEqual(result.ticket_id, root.pk)


class ManyOpenTicketsTests(RoutingCaseTestCase):
    """The subject rule once read only the 100 newest open tickets of the sender and the
    colleagues together, then matched subjects: a busy company hid the sender's own ticket."""

    def make_open_tickets(self, address: str, count: int) -> None:
        customer = customer_for_email(address=address)
        for n in range(count):
            services.ticket_create(customer=customer, subject=f"Другой вопрос {n}", channel="email",
                                   contact_email=address)

    def test_own_ticket_behind_more_than_a_page_of_colleagues_tickets(self) -> None:
        own = self.open_ticket(sender="efir@mediagroup-tomsk.ru")
        self.make_open_tickets("master@mediagroup-tomsk.ru", 150)
        result = self.ingest(make_mail(sender="efir@mediagroup-tomsk.ru", subject=f"Re: {SUBJECT}"))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, own.pk))

    def test_own_ticket_behind_more_than_a_page_of_own_newer_tickets(self) -> None:
        own = self.open_ticket(sender="efir@mediagroup-tomsk.ru")
        self.make_open_tickets("efir@mediagroup-tomsk.ru", 250)
        result = self.ingest(make_mail(sender="efir@mediagroup-tomsk.ru", subject=f"Re: {SUBJECT}"))
        self.assertEqual(result.ticket_id, own.pk)

    def test_colleagues_ticket_behind_more_than_a_page_of_other_tickets(self) -> None:
        colleagues = self.open_ticket(sender="master@mediagroup-tomsk.ru")
        self.make_open_tickets("a.morozov@mediagroup-tomsk.ru", 150)
        result = self.ingest(make_mail(sender="efir@mediagroup-tomsk.ru", subject=f"Re: {SUBJECT}"))
        self.assertEqual(result.ticket_id, colleagues.pk)
