"""Issue 19, item 7: no backscatter. Automatic mail goes only where the sender is proven
(Authentication-Results of our own trusted MTA); a forged sender gets a ticket and no mail,
and nothing automatic repeats an unproven sender's subject or display name. Through the
real intake and a real SMTP server."""

from __future__ import annotations

from datetime import timedelta, timezone

from django.test import override_settings
from django.urls import reverse

from supportdesk.mail.ingest import ingest_raw
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.replies.reminders import reminders_run
from supportdesk.replies.services import ticket_ask_for_information
from supportdesk.replies.tests.helpers import TRUSTED_MTA, customer_mail, parsed, start_sink, text_part
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets.models import Message, Ticket

MOSCOW = timezone(timedelta(hours=3))
SPAM_SUBJECT = "Выигрыш 1 000 000 ₽ — заберите на http://spam.example/win"
SPAM_NAME = "Бесплатно http://spam.example"


@override_settings(MAIL_AUTHSERV_IDS=[TRUSTED_MTA])
class BackscatterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = start_sink(self)

    def ingest(self, *, dmarc: str, mid: str, headers: tuple[str, ...] = ()) -> Ticket:
        at = office_time(2026, 5, 12, 10)
        raw = customer_mail(sender="director@bank-victim.ru", name=SPAM_NAME, subject=SPAM_SUBJECT,
                            body="Перейдите по ссылке http://spam.example/win", sent=at.astimezone(MOSCOW),
                            message_id=mid, dmarc=dmarc)
        raw = b"".join(h.encode() + b"\r\n" for h in headers) + raw
        return Ticket.objects.get(pk=ingest_raw(raw, source="lmtp", received_at=at).ticket_id)

    def test_a_mail_failing_dmarc_gets_a_ticket_and_no_mail_and_the_agent_sees_why(self):
        ticket = self.ingest(dmarc="fail", mid="forged-1@bank-victim.ru")
        assert ticket.messages.filter(kind=Message.Kind.INCOMING).count() == 1  # the request is kept
        outbox_flush()
        assert self.sink.messages == []
        assert not OutgoingMail.objects.exclude(state=OutgoingMail.State.SUPPRESSED).exists()
        event = ticket.messages.get(event="auto_mail_suppressed")
        assert event.event_data["reason"] == "sender_not_authenticated"
        assert event.event_data["detail"] == f"dmarc=fail header.from=bank-victim.ru ({TRUSTED_MTA})"
        self.client.force_login(self.alice)
        page = self.client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        assert "адрес отправителя не прошёл проверку подлинности и может быть подделан" in page
        assert f"dmarc=fail header.from=bank-victim.ru ({TRUSTED_MTA})" in page

    def test_no_reminder_either_for_a_forged_sender(self):
        ticket = self.ingest(dmarc="fail", mid="forged-2@bank-victim.ru")
        ticket_ask_for_information(ticket=ticket, author=self.alice, text="Пришлите, пожалуйста, версию.",
                                   at=office_time(2026, 5, 12, 11))  # an agent's own choice: sent
        reminders_run(now=office_time(2026, 5, 20, 11))
        kinds = dict(OutgoingMail.objects.values_list("kind", "state"))
        assert kinds.get("reminder") == OutgoingMail.State.SUPPRESSED
        assert kinds["ack"] == OutgoingMail.State.SUPPRESSED

    def test_an_unproven_sender_gets_neutral_wording(self):
        # A header claiming our authserv-id but below our MTA's (the forger wrote it) counts for nothing;
        # ours has no DMARC verdict.
        ticket = self.ingest(dmarc="", mid="unproven-1@bank-victim.ru",
                             headers=(f"Authentication-Results: {TRUSTED_MTA}; dmarc=none header.from=bank-victim.ru",
                                      f"Authentication-Results: {TRUSTED_MTA}; dmarc=pass header.from=bank-victim.ru"))
        assert outbox_flush().sent == 1
        [delivered] = self.sink.wait_for(1)
        msg = parsed(delivered.data)
        assert msg["Subject"] == f"[#{ticket.pk}] Ваше обращение в техподдержку"
        text = text_part(msg)
        assert text.startswith("Здравствуйте!") and f"зарегистрировано под номером {ticket.pk}" in text
        assert "spam.example" not in delivered.data.decode("utf-8", "replace")
        assert "Бесплатно" not in str(msg["To"]) + text

    def test_a_proven_sender_gets_the_usual_subject_and_greeting(self):
        ticket = self.ingest(dmarc="pass", mid="real-1@bank-victim.ru")
        outbox_flush()
        [delivered] = self.sink.wait_for(1)
        msg = parsed(delivered.data)
        assert msg["Subject"] == f"Re: [#{ticket.pk}] {SPAM_SUBJECT}"
        assert text_part(msg).startswith(f"Здравствуйте, {SPAM_NAME}!")

    @override_settings(MAIL_AUTHSERV_IDS=[])
    def test_without_a_trusted_mta_nobody_counts_as_proven(self):
        ticket = self.ingest(dmarc="pass", mid="claimed-1@bank-victim.ru")
        outbox_flush()
        [delivered] = self.sink.wait_for(1)
        assert parsed(delivered.data)["Subject"] == f"[#{ticket.pk}] Ваше обращение в техподдержку"
