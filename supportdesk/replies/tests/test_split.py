"""Split (issue 16 item 8): a customer message moves into a new ticket with its own reply clock and
checklist; both tickets name each other; splitting the only message is refused with nothing written."""

from __future__ import annotations

import pytest
from django.utils import translation

from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.replies.services import ticket_reply
from supportdesk.replies.split import ticket_split_message
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets.models import Attachment, Message, Status, Ticket
from supportdesk.tickets.services import InvalidAction, ticket_set_status

SECOND_PROBLEM = ("Ещё одна проблема: после обновления Forward TS 5.0.3 не сохраняются настройки плейлиста.\n"
                  "Шаги: открываю плейлист, меняю порядок, нажимаю «Сохранить», перезапускаю — порядок прежний.")


class SplitTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        first = ingest_raw(make_mail(message_id="first@tv-sibir.ru", subject="Не выводятся титры"),
                           source="lmtp", source_uid="1", received_at=office_time(2026, 3, 2, 10))
        self.ticket = Ticket.objects.get(pk=first.ticket_id)
        ticket_reply(ticket=self.ticket, author=self.alice, text="Проверьте драйвер платы.",
                     at=office_time(2026, 3, 2, 11))
        ingest_raw(make_mail(message_id="second@tv-sibir.ru", subject=f"Re: [#{self.ticket.pk}] Не выводятся титры",
                             in_reply_to="first@tv-sibir.ru", body=SECOND_PROBLEM,
                             attachments=(("playlist.log", "text/plain", b"ForwardTS 5.0.3 save failed"),)),
                   source="lmtp", source_uid="2", received_at=office_time(2026, 3, 3, 9))
        self.ticket.refresh_from_db()
        self.second = self.ticket.messages.get(message_id="second@tv-sibir.ru")

    def test_split_moves_the_message_with_its_own_clock_and_checklist(self):
        assert self.ticket.reply_pending_since == office_time(2026, 3, 3, 9)
        new = ticket_split_message(message=self.second, subject="Не сохраняется плейлист", by_user=self.alice)
        self.ticket.refresh_from_db()
        # the old ticket: its first message was answered, so no reply is owed there any more
        assert self.ticket.reply_pending_since is None and self.ticket.reply_due_at is None
        assert self.ticket.last_customer_message_at == office_time(2026, 3, 2, 10)
        # the new ticket owes a reply since the customer wrote, with its own deadline
        assert new.subject == "Не сохраняется плейлист" and new.customer == self.ticket.customer
        assert new.status == Status.NEW and new.contact_email == "ivanov@tv-sibir.ru"
        assert new.reply_pending_since == office_time(2026, 3, 3, 9) and new.reply_due_at is not None
        assert new.checklist["steps"]["present"] and new.checklist["version"]["present"]
        assert new.reported_version == "5.0.3"
        moved = Message.objects.get(pk=self.second.pk)
        assert moved.ticket == new and Attachment.objects.get(message=moved).filename == "playlist.log"
        assert InboundMail.objects.get(message_id="second@tv-sibir.ru").ticket_id == new.pk
        assert new.messages.get(event="split_from").event_data == {"ticket": self.ticket.pk, "message": moved.pk}
        assert self.ticket.messages.get(event="split_to").event_data == {"ticket": new.pk, "message": moved.pk}
        # the customer's next answer to that mail threads into the new ticket
        result = ingest_raw(make_mail(message_id="third@tv-sibir.ru", subject="Re: плейлист",
                                      in_reply_to="second@tv-sibir.ru", body="Приложил ещё лог."),
                            source="lmtp", source_uid="3")
        assert result.ticket_id == new.pk

    def test_an_unanswered_older_message_keeps_the_old_clock_running(self):
        ingest_raw(make_mail(message_id="fourth@tv-sibir.ru", subject=f"Re: [#{self.ticket.pk}] титры",
                             body="И титры всё ещё не выводятся."),
                   source="lmtp", source_uid="4", received_at=office_time(2026, 3, 3, 12))
        ticket_split_message(message=self.second, subject="Плейлист", by_user=self.alice)
        self.ticket.refresh_from_db()
        assert self.ticket.reply_pending_since == office_time(2026, 3, 3, 12)

    def test_the_only_customer_message_is_refused_with_nothing_written(self):
        alone = self.make_ticket(subject="Один вопрос")
        only = alone.messages.get(kind=Message.Kind.INCOMING)
        before = (Ticket.objects.count(), Message.objects.count(), alone.messages.count())
        with pytest.raises(InvalidAction, match="only customer message of ticket"):
            ticket_split_message(message=only, subject="Второй вопрос", by_user=self.alice)
        assert (Ticket.objects.count(), Message.objects.count(), alone.messages.count()) == before
        assert Message.objects.get(pk=only.pk).ticket_id == alone.pk

    def test_other_refusals(self):
        ours = self.ticket.messages.get(kind=Message.Kind.OUTGOING, is_automatic=False)
        with pytest.raises(InvalidAction, match="Only a customer's message or a call"):
            ticket_split_message(message=ours, subject="Ответ", by_user=self.alice)
        with pytest.raises(InvalidAction, match="needs a subject"):
            ticket_split_message(message=self.second, subject=" ", by_user=self.alice)
        ticket_set_status(ticket=self.ticket, status=Status.CLOSED, by_user=self.alice)
        with pytest.raises(InvalidAction, match="is closed"):
            ticket_split_message(message=self.second, subject="Плейлист", by_user=self.alice)
        assert Ticket.objects.count() == 1
