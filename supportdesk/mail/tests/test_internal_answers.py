"""Issue 13, item 8: an agent's answer to an SLA alert never becomes a customer message.

The alert is read back from a real SMTP server; the agent's answer, as a mail client writes
it (In-Reply-To the alert, quoting it), arrives at the support mailbox anyway."""

from __future__ import annotations

from email.utils import getaddresses

from supportdesk.escalation.watcher import sla_watch
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.tests.factory import make_mail
from supportdesk.outbox.services import outbox_flush
from supportdesk.replies.services import ticket_reply
from supportdesk.replies.tests.helpers import parsed, start_sink, text_part
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services
from supportdesk.tickets.models import Message

RECEIVED = office_time(2026, 5, 12, 10, 0)
AT_TARGET = office_time(2026, 5, 13, 10, 0)
ANSWER = "Беру в работу, позвоню клиенту."


class AlertAnswerTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = start_sink(self)
        self.ticket = self.make_ticket(at=RECEIVED)
        services.ticket_assign(ticket=self.ticket, assignee=self.alice, by_user=self.sam)
        # The assignment notifies Alice by mail first (notifications); the SLA alert comes next.
        assert outbox_flush().sent == 1
        self.sink.wait_for(1)
        self.sink.clear()
        assert sla_watch(AT_TARGET).mails == 1
        assert outbox_flush().sent == 1
        [self.alert] = [parsed(m.data) for m in self.sink.wait_for(1)]

    def answer(self, sender: str) -> bytes:
        quoted = "\n".join(f"> {line}" for line in text_part(self.alert).splitlines())
        return make_mail(sender=sender, name="", subject=f"Re: {self.alert['Subject']}",
                         body=f"{ANSWER}\n\n{quoted}\n", in_reply_to=self.alert["Message-ID"].strip("<>"),
                         references=self.alert["Message-ID"])

    def test_the_alert_is_internal_mail(self) -> None:
        assert [a for _, a in getaddresses([self.alert["Reply-To"]])] == ["sam@softlab.tv"]
        assert f"[#{self.ticket.pk}]" not in self.alert["Subject"]
        assert self.alert["In-Reply-To"] is None and self.alert["References"] is None
        assert self.alert["Auto-Submitted"] == "auto-generated"

    def test_an_agents_answer_is_filed_as_an_internal_note(self) -> None:
        due = self.ticket.reply_due_at
        result = ingest_raw(self.answer("alice@softlab.tv"), source="lmtp", received_at=AT_TARGET)
        assert result.ticket_id == self.ticket.pk
        note = Message.objects.get(ticket=self.ticket, kind=Message.Kind.NOTE)
        assert note.author_user == self.alice and note.body_text.startswith(ANSWER)
        assert not Message.objects.filter(ticket=self.ticket, kind=Message.Kind.INCOMING,
                                          body_text__contains=ANSWER).exists()
        self.ticket.refresh_from_db()
        assert self.ticket.reply_due_at == due  # no clock started or stopped
        # Nothing was sent back (no acknowledgment to the agent), and the customer never sees it.
        assert outbox_flush().sent == 0
        ticket_reply(ticket=self.ticket, author=self.alice, text="Перезвонили, проблема решена.")
        outbox_flush()
        reply = parsed(self.sink.wait_for(2)[-1].data)
        assert reply["To"] == "ivanov@tv-sibir.ru" and ANSWER not in text_part(reply)

    def test_anyone_elses_answer_is_kept_off_the_ticket(self) -> None:
        result = ingest_raw(self.answer("stranger@example.ru"), source="lmtp", received_at=AT_TARGET)
        assert result.outcome == "robot"
        assert not Message.objects.filter(ticket=self.ticket, body_text__contains=ANSWER).exists()
        assert outbox_flush().sent == 0
