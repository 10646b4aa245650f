"""Issue 13, item 6: an out-of-office reply on an open ticket is recorded as an event
("customer away until 14 December") and starts no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.away import away_until, is_out_of_office
from supportdesk.mail.tests.factory import make_mail
from supportdesk.replies.services import ticket_reply
from supportdesk.test import PASSWORD, BaseTestCase, office_time
from supportdesk.tickets.models import Message, Status, Ticket

RECEIVED = datetime(2026, 12, 4, 10, tzinfo=UTC)


@pytest.mark.parametrize(("text", "until"), [
    ("Я в отпуске до 14 декабря. По срочным вопросам звоните Петрову.", date(2026, 12, 14)),
    ("Меня не будет в офисе с 1 по 14.12.2026.", date(2026, 12, 14)),
    ("Я в командировке по 10.12", date(2026, 12, 10)),
    ("Отсутствую до понедельника, 14 декабря.", date(2026, 12, 14)),
    ("I am out of the office until Monday, December 14 with limited access to email.", date(2026, 12, 14)),
    ("Out of office till 3 January.", date(2027, 1, 3)),  # the next 3 January, not the last one
    ("Я в отпуске, отвечу, когда вернусь.", None),
])
def test_the_return_date_is_read_in_russian_and_english(text: str, until: date | None) -> None:
    assert is_out_of_office("", text)
    assert away_until(text, RECEIVED) == until


def test_an_ordinary_auto_reply_is_not_out_of_office() -> None:
    assert not is_out_of_office("Ваше письмо получено", "Спасибо, ваше письмо зарегистрировано под номером 5.")


# vacation(1) sends the person's ~/.vacation.msg as it is: "Subject: Re: $SUBJECT", no
# Auto-Submitted, no Precedence, no In-Reply-To; only the text says that a robot wrote it.
VACATION_TEXT = ("Здравствуйте!\n\nЯ в отпуске до 14 декабря, почту не читаю. Ваше письмо прочитаю, когда вернусь.\n"
                 "По срочным вопросам звоните Марии Кузнецовой: +7 383 200-00-00.\n\nИван Петров\n")


def vacation_mail(subject: str = "Re: [#7] Не выводятся титры", body: str = VACATION_TEXT, **kw: object) -> bytes:
    return make_mail(subject=subject, body=body, **kw)  # type: ignore[arg-type]


def test_an_away_notice_that_no_header_marks_is_an_auto_reply() -> None:
    parsed = parse_mail(vacation_mail())
    assert parsed.is_auto_reply and parsed.is_robot and not parsed.is_bounce
    assert "vacation" in (parsed.auto_reply_reason or "")


@pytest.mark.parametrize(("mail", "why"), [
    (vacation_mail(in_reply_to="r1@softlab.tv"), "a mail program's reply (In-Reply-To): a person wrote it"),
    (vacation_mail(references="<r1@softlab.tv>"), "a mail program's reply (References)"),
    (vacation_mail(subject="Не выводятся титры"), "not a reply by its subject"),
    (vacation_mail(body="Я в отпуске до 14 декабря. Титры так и не выводятся, что ещё проверить?"), "asks a question"),
    (vacation_mail(body="Я в отпуске до 14 декабря.\n" + "Титры не выводятся на SDI 2 после обновления. " * 15),
     "a whole report, not a notice"),
    (vacation_mail(body="Я в отпуске, отвечу, когда вернусь."), "no date it ends"),
    (vacation_mail(body="Спасибо, титры выводятся до 14 декабря включительно."), "says nobody is away"),
    (vacation_mail(body="Я в отпуске до 14 декабря.\n\n> Пришлите, пожалуйста, настройки."), "quotes our mail"),
])
def test_a_persons_reply_is_not_taken_for_an_away_notice(mail: bytes, why: str) -> None:
    assert not parse_mail(mail).is_auto_reply, why


class OutOfOfficeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        raw = make_mail(subject="Не выводятся титры", message_id="req-1@tv-sibir.ru")
        self.ticket = Ticket.objects.get(pk=ingest_raw(raw, source="lmtp", received_at=office_time(2026, 12, 3, 10))
                                         .ticket_id)
        self.reply = ticket_reply(ticket=self.ticket, author=self.alice, text="Пришлите, пожалуйста, настройки.",
                                  at=office_time(2026, 12, 3, 11))

    def away_events(self) -> list[Message]:
        return list(Message.objects.filter(ticket=self.ticket, event="customer_away"))

    def test_a_vacation_reply_without_references_is_an_event_on_the_senders_open_ticket(self) -> None:
        raw = make_mail(subject="Я в отпуске", body="Здравствуйте! Я в отпуске до 14 декабря, отвечу после.",
                        headers={"Auto-Submitted": "auto-replied"})
        result = ingest_raw(raw, source="lmtp", received_at=office_time(2026, 12, 4, 9))
        assert (result.outcome, result.ticket_id) == ("robot", self.ticket.pk)
        [event] = self.away_events()
        assert event.event_data["until"] == "2026-12-14"
        ticket = Ticket.objects.get(pk=self.ticket.pk)
        # No clock started, nothing reopened, nothing sent back.
        assert ticket.reply_pending_since is None and ticket.reply_due_at is None
        assert ticket.status == Status.OPEN and ticket.last_customer_message_at == office_time(2026, 12, 3, 10)
        self.client.login(username="alice", password=PASSWORD)
        page = self.client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        assert "автоответ: клиент отсутствует до 14 декабря 2026" in page

    def test_an_unmarked_vacation_reply_starts_no_clock(self) -> None:
        raw = vacation_mail(subject=f"Re: Re: [#{self.ticket.pk}] Не выводятся титры")
        result = ingest_raw(raw, source="lmtp", received_at=office_time(2026, 12, 4, 9))
        assert (result.outcome, result.ticket_id) == ("robot", self.ticket.pk)
        [event] = self.away_events()
        assert event.event_data["until"] == "2026-12-14"
        assert Ticket.objects.get(pk=self.ticket.pk).reply_pending_since is None

    def test_an_exchange_reply_to_our_mail_is_an_event_on_that_ticket(self) -> None:
        raw = make_mail(subject=f"Автоматический ответ: Re: [#{self.ticket.pk}] Не выводятся титры",
                        body="I am out of the office until December 14.", in_reply_to=self.reply.message_id,
                        headers={"X-Auto-Response-Suppress": "All", "Auto-Submitted": "auto-replied"})
        ingest_raw(raw, source="lmtp", received_at=office_time(2026, 12, 4, 9))
        [event] = self.away_events()
        assert event.event_data["until"] == "2026-12-14"
        assert Ticket.objects.get(pk=self.ticket.pk).reply_pending_since is None

    def test_on_a_closed_ticket_it_is_only_kept(self) -> None:
        Ticket.objects.filter(pk=self.ticket.pk).update(status=Status.CLOSED)
        raw = make_mail(subject=f"Out of Office: [#{self.ticket.pk}]", body="Out of office until 14 December.",
                        headers={"Auto-Submitted": "auto-replied"})
        result = ingest_raw(raw, source="lmtp", received_at=office_time(2026, 12, 4, 9))
        assert result.ticket_id == self.ticket.pk and self.away_events() == []
