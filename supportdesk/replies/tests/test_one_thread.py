"""Every mail to the customer about a ticket is one thread in every client (issue 13, items
9, 10 and 13): one subject, References ending with In-Reply-To and rooted in the customer's
first message, Thread-Topic, each earlier message quoted once; read back from a real SMTP server."""

from __future__ import annotations

from datetime import timedelta, timezone

from django.test import override_settings

from supportdesk.catalog.models import Release
from supportdesk.mail.ingest import ingest_raw
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.releases.services import release_publish
from supportdesk.replies.reminders import reminders_run
from supportdesk.replies.services import ticket_ask_for_information, ticket_reply
from supportdesk.replies.tests.helpers import (
    TRUSTED_MTA,
    customer_mail,
    html_part,
    parsed,
    start_sink,
    text_part,
)
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services as tickets
from supportdesk.tickets.models import Message, Status, Ticket

MOSCOW = timezone(timedelta(hours=3))
FIRST = "Здравствуйте! В Forward TS 6.2.1 перестали выводиться титры на выход SDI после обновления драйвера."
SECOND = "Драйвер переустановил, титров на выходе по-прежнему нет, в программе они видны."
THIRD = "Прислал настройки FDConfig2 во вложении к предыдущему письму, посмотрите, пожалуйста."
R1 = "Проверьте, пожалуйста, версию драйвера платы и пришлите её номер."
R2 = "Спасибо, версия драйвера правильная. Пришлите, пожалуйста, настройки FDConfig2."
R3 = "Настройки не дошли. Пришлите их ещё раз, пожалуйста."


def quoting(text: str, when: str, body: str) -> str:
    """A customer's answer as a mail client writes it: new text, attribution, '>' quote."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    return f"{text}\n\n{when}, Техническая поддержка СофтЛаб пишет:\n{quoted}\n"


@override_settings(MAIL_AUTHSERV_IDS=[TRUSTED_MTA])
class OneThreadTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = start_sink(self)

    def customer_writes(self, body: str, *, mid: str, at, subject: str, in_reply_to: str = "") -> Ticket:
        raw = customer_mail(sender="sidorov@tvmsk.ru", name="Пётр Сидоров", subject=subject, body=body,
                            sent=at.astimezone(MOSCOW), message_id=mid, in_reply_to=in_reply_to)
        result = ingest_raw(raw, source="lmtp", received_at=at)
        return Ticket.objects.get(pk=result.ticket_id)

    def sent(self) -> list:
        """The mails the SMTP server received, in the order they were written."""
        outbox_flush()
        received = {parsed(m.data)["Message-ID"]: parsed(m.data) for m in self.sink.messages}
        return [received[f"<{mid}>"] for mid in OutgoingMail.objects.order_by("id").values_list("message_id",
                                                                                              flat=True)]

    def test_every_customer_mail_of_a_ticket_threads_as_one_conversation(self):
        ticket = self.customer_writes(FIRST, mid="req-1@tvmsk.ru", at=office_time(2026, 5, 12, 10),
                                      subject="Не выводятся титры")
        tag = f"[#{ticket.pk}]"
        r1 = ticket_reply(ticket=ticket, author=self.alice, text=R1, at=office_time(2026, 5, 12, 11))
        answer = quoting(SECOND, "12.05.2026 11:00", R1)
        self.customer_writes(answer, mid="req-2@tvmsk.ru", at=office_time(2026, 5, 12, 12),
                             subject=f"Re: Re: {tag} Не выводятся титры", in_reply_to=r1.message_id)
        ticket.refresh_from_db()
        r2 = ticket_reply(ticket=ticket, author=self.alice, text=R2, at=office_time(2026, 5, 12, 13))
        self.customer_writes(quoting(THIRD, "12.05.2026 13:00", R2), mid="req-3@tvmsk.ru",
                             at=office_time(2026, 5, 12, 14), subject=f"Re: Re: {tag} Не выводятся титры",
                             in_reply_to=r2.message_id)
        ticket.refresh_from_db()
        ticket_ask_for_information(ticket=ticket, author=self.alice, text=R3, at=office_time(2026, 5, 12, 15))
        assert reminders_run(now=office_time(2026, 5, 19, 15)).reminded == 1
        self.customer_writes("Отправил настройки ещё раз.", mid="req-4@tvmsk.ru", at=office_time(2026, 5, 20, 9),
                             subject=f"Re: {tag} Не выводятся титры")
        release = Release.objects.create(product=self.products["forward-ts"], version="6.3.0",
                                          notes="Исправлен вывод титров на SDI.")
        tickets.ticket_set_status(ticket=ticket, status=Status.WAITING_RELEASE, by_user=self.alice, release=release)
        release_publish(release=release, by_user=self.sam, confirmed=True)

        mails = self.sent()
        kinds = ["ack", "reply", "reply", "reply", "reminder", "release"]
        assert len(mails) == len(kinds)
        by_kind = dict(zip(kinds, mails, strict=True))
        for kind, msg in zip(kinds, mails, strict=True):
            # One subject form, so every client files them in one thread.
            assert msg["Subject"] == f"Re: {tag} Не выводятся титры", kind
            assert msg["Thread-Topic"] == "Не выводятся титры", kind
            refs = msg["References"].split()
            # The whole chain, rooted in the customer's first message, ending with In-Reply-To.
            assert refs[0] == "<req-1@tvmsk.ru>" and refs[-1] == msg["In-Reply-To"], kind
            assert len(refs) == len(set(refs)), kind
            # (the stdlib doubles the space between adjacent encoded-words in a display name)
            assert " ".join(msg["From"].split()) == "Техническая поддержка СофтЛаб <forward@softlab.tv>", kind
        assert by_kind["release"]["In-Reply-To"] == "<req-4@tvmsk.ru>"
        assert f"<{r1.message_id}>" in by_kind["release"]["References"]

        # Item 9: the third reply quotes each earlier message once.
        third = text_part(mails[3])
        for earlier in (FIRST, SECOND, R1, R2):
            assert third.count(earlier[:50]) <= 1, earlier
        assert third.count(THIRD[:50]) == 1 and third.count(R2[:50]) == 1
        html = html_part(mails[3])
        assert html.count(R2[:50]) == 1 and html.count(THIRD[:50]) == 1
        # Our reply's signature and quotes are not part of what it said.
        last = Message.objects.filter(ticket=ticket, kind=Message.Kind.OUTGOING, is_automatic=False).last()
        assert last.body_text[: last.quoted_start].strip() == R3

        # Item 13: automatic notices are auto-generated; the release mail has HTML and greets by name.
        release_mail = by_kind["release"]
        assert release_mail["Auto-Submitted"] == "auto-generated"
        assert by_kind["reminder"]["Auto-Submitted"] == "auto-generated"
        assert by_kind["ack"]["Auto-Submitted"] == "auto-replied"
        assert text_part(release_mail).startswith("Здравствуйте, Пётр Сидоров!")
        release_html = html_part(release_mail)
        assert "<p>Здравствуйте, Пётр Сидоров!</p>" in release_html and "6.3.0" in release_html
        reminder_html = html_part(by_kind["reminder"])
        assert "pre-wrap" not in reminder_html and "<a href=" in reminder_html and "<p>" in reminder_html
        for msg in mails:
            signature = html_part(msg).split("border-top", 1)[1].split("</p>", 1)[0]
            assert "Техническая поддержка СофтЛаб" in signature  # never an empty signature block

    def test_the_release_mail_goes_through_the_common_mailer_limits(self):
        ticket = self.make_ticket()
        ticket.contact_email = "agent@softlab.tv"  # our own address: never mailed automatically
        ticket.save()
        release = Release.objects.create(product=self.products["forward-ts"], version="6.3.0")
        tickets.ticket_set_status(ticket=ticket, status=Status.WAITING_RELEASE, by_user=self.alice, release=release)
        release_publish(release=release, by_user=self.sam, confirmed=True)
        assert outbox_flush().sent == 0 and self.sink.messages == []
        event = Message.objects.get(ticket=ticket, event="auto_mail_suppressed")
        assert event.event_data["kind"] == "release" and event.event_data["reason"] == "own_address"
