"""``supportdesk mail import --history-before DATE`` / ``--history``: a team that switches brings
its old mailbox; the old requests become the record they are (their own dates, no
acknowledgment, no reply clock, no notification or webhook, closed), the recent ones are taken
as any mail arriving today."""

from __future__ import annotations

import io
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone, translation

from supportdesk.customers.models import CustomerEmail
from supportdesk.mail import importer
from supportdesk.mail.cli_intake import history_cutoff
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.importer import import_source, open_local_source, store_many
from supportdesk.mail.ingest import inbound_process_stale, ingest_raw, placed_at
from supportdesk.mail.models import InboundMail
from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.tests.factory import BOUNCE, make_mail
from supportdesk.notifications.models import Notification
from supportdesk.outbox.models import OutgoingMail
from supportdesk.test import BaseTestCase, office_time
from supportdesk.testing.skips import database_only
from supportdesk.tickets import services
from supportdesk.tickets.history import is_history, recording_history
from supportdesk.tickets.models import Message, Status, StatusChange, Ticket
from supportdesk.tickets.presenters import event_text
from supportdesk.webhooks import events
from supportdesk.webhooks import services as webhooks
from supportdesk.webhooks.models import WebhookDelivery


class HistoryImportTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        tmp = TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.path = Path(tmp.name)
        self.now = timezone.now()

    def write(self, name: str, raw: bytes) -> None:
        (self.path / f"{name}.eml").write_bytes(raw)

    def archive(self) -> None:
        # An old conversation that ended in the old system; an old request answered by a
        # recent reply of its customer; a request of today.
        self.write("a1", make_mail(sender="old@tv-sibir.ru", message_id="old1@x.ru", subject="Старый вопрос",
                                   date=format_datetime(office_time(2025, 1, 10, 9))))
        # The old desk's answer (its Sent folder imported with the inbox), a bounce of it, and
        # the customer's reply to it.
        self.write("a1r", make_mail(sender="forward@softlab.tv", name="Техподдержка", to="old@tv-sibir.ru",
                                    message_id="ours1@softlab.tv", subject="Re: Старый вопрос",
                                    in_reply_to="old1@x.ru", references="<old1@x.ru>",
                                    body="Обновите драйвер платы.", date=format_datetime(office_time(2025, 1, 10, 12))))
        bounced_at = format_datetime(office_time(2025, 1, 10, 12, 5))
        self.write("a1b", BOUNCE.replace(b"reply.1@supportdesk.local", b"ours1@softlab.tv")
                   .replace(b"ivanov@tv-sibir.ru", b"old@tv-sibir.ru")
                   .replace(b"MIME-Version", f"Date: {bounced_at}\nMIME-Version".encode()))
        self.write("a2", make_mail(sender="old@tv-sibir.ru", message_id="old2@x.ru", subject="Re: Старый вопрос",
                                   in_reply_to="ours1@softlab.tv", references="<old1@x.ru> <ours1@softlab.tv>",
                                   date=format_datetime(office_time(2025, 1, 13, 15))))
        self.write("b1", make_mail(sender="late@nsk-tv.ru", message_id="late1@x.ru", subject="Звук пропадает",
                                   date=format_datetime(self.now - timedelta(days=30))))
        self.write("b2", make_mail(sender="late@nsk-tv.ru", message_id="late2@x.ru", subject="Re: Звук пропадает",
                                   in_reply_to="late1@x.ru", references="<late1@x.ru>",
                                   date=format_datetime(self.now - timedelta(hours=2))))
        self.write("c1", make_mail(sender="new@ural-tv.ru", message_id="new1@x.ru", subject="Нет сигнала",
                                   date=format_datetime(self.now - timedelta(hours=1))))

    def acks(self, ticket: Ticket) -> int:
        return OutgoingMail.objects.filter(kind="ack", ref=f"ticket:{ticket.pk}").count()

    def test_old_mail_is_recorded_as_history_and_recent_mail_as_arriving_today(self) -> None:
        self.archive()
        summary = import_source(open_local_source(self.path), history_before=self.now - timedelta(days=1))
        assert summary.as_dict()["ticketed"] == 3 and summary.as_dict()["threaded"] == 3
        assert summary.as_dict()["robot"] == 1 and summary.history_closed == 1

        old = Ticket.objects.get(messages__message_id="old1@x.ru")
        assert old.status == Status.CLOSED
        assert old.created_at == office_time(2025, 1, 10, 9)  # its own date, not the import's
        assert Message.objects.get(message_id="old2@x.ru").created_at == office_time(2025, 1, 13, 15)
        assert old.closed_at == office_time(2025, 1, 13, 15)  # as of its last mail
        assert old.reply_pending_since is None and old.reply_due_at is None
        assert old.resolution_business_seconds is None  # nobody's resolution: not in the report
        ours = Message.objects.get(message_id="ours1@softlab.tv")
        assert (ours.ticket_id, ours.kind, ours.is_automatic, ours.answers_customer) == (
            old.pk, Message.Kind.OUTGOING, False, True)
        assert ours.created_at == old.first_response_at == office_time(2025, 1, 10, 12)
        assert InboundMail.objects.get(message_id="ours1@softlab.tv").route == "our_reply"
        bounce = Message.objects.get(ticket=old, is_robot=True)
        assert bounce.created_at == office_time(2025, 1, 10, 12, 5)
        assert CustomerEmail.objects.get(address="old@tv-sibir.ru").bounced_at is None  # says nothing of today
        assert self.acks(old) == 0
        skipped = Message.objects.get(ticket=old, event="ack_skipped")
        assert skipped.event_data == {"reason": "history"}
        assert skipped.created_at == office_time(2025, 1, 10, 9)
        closed = Message.objects.get(ticket=old, event="history_closed")
        assert closed.created_at == office_time(2025, 1, 13, 15)
        # Every entry of the old conversation, events included, is of its time, none of today.
        entries = list(Message.objects.filter(ticket=old).values_list("kind", "event", "created_at"))
        assert len(entries) > 5 and all(at < office_time(2025, 1, 14) for _kind, _event, at in entries), entries
        assert all(at < office_time(2025, 1, 14) for at in StatusChange.objects.filter(ticket=old)
                   .values_list("at", flat=True))
        with translation.override("ru"):
            assert event_text("ack_skipped", skipped.event_data) == (
                "подтверждение не отправлено (старое письмо, загруженное из архива)")
            assert event_text("history_closed", {}).startswith("закрыто при загрузке архива")
        assert StatusChange.objects.filter(ticket=old, to_status=Status.CLOSED, reason="history import").count() == 1
        self.client.force_login(self.alice)
        page = self.client.get(reverse("tickets:detail", args=[old.pk]), HTTP_ACCEPT_LANGUAGE="ru")
        assert page.status_code == 200
        html = page.content.decode()
        assert "закрыто при загрузке архива" in html and "старое письмо, загруженное из архива" in html

        # An old request whose customer wrote again recently: the recent mail owes a reply today.
        late = Ticket.objects.get(messages__message_id="late1@x.ru")
        assert late.status != Status.CLOSED
        assert late.reply_pending_since == Message.objects.get(message_id="late2@x.ru").created_at
        assert late.reply_pending_since >= self.now - timedelta(minutes=5)  # read today
        assert late.reply_due_at is not None and self.acks(late) == 0  # a reply in a thread: no acknowledgment

        new = Ticket.objects.get(messages__message_id="new1@x.ru")
        assert new.status == Status.NEW and new.reply_due_at is not None
        assert new.created_at >= self.now - timedelta(minutes=5)
        assert self.acks(new) == 1

    def test_run_again_after_a_crash_closes_what_the_first_run_placed(self) -> None:
        self.archive()
        cutoff = self.now - timedelta(days=1)
        with mock.patch.object(importer, "tickets_close_history", side_effect=KeyboardInterrupt), \
                pytest.raises(KeyboardInterrupt):
            import_source(open_local_source(self.path), history_before=cutoff)
        old = Ticket.objects.get(messages__message_id="old1@x.ru")
        assert old.status == Status.OPEN and old.reply_due_at is None  # placed as history (answered), not closed yet
        summary = import_source(open_local_source(self.path), history_before=cutoff)
        assert summary.as_dict()["duplicate"] == 7 and summary.history_closed == 1
        old.refresh_from_db()
        assert old.status == Status.CLOSED
        assert Ticket.objects.get(messages__message_id="new1@x.ru").status == Status.NEW

    def test_the_mailbox_polled_after_its_archive_was_imported_adds_nothing(self) -> None:
        # The switch: export the old mailbox, import it as history, then let the poller read
        # the same folder (every message already there is a duplicate, nothing is answered).
        self.archive()
        import_source(open_local_source(self.path), history_before=self.now - timedelta(days=1))
        outbox = OutgoingMail.objects.count()
        for n, name in enumerate(("a1", "a1r", "a2", "c1"), 1):
            result = ingest_raw((self.path / f"{name}.eml").read_bytes(), source="imap", source_uid=f"1:7:{n}")
            assert result.outcome == Outcome.DUPLICATE
        assert OutgoingMail.objects.count() == outbox
        assert Ticket.objects.get(messages__message_id="old1@x.ru").status == Status.CLOSED

    def test_without_a_cutoff_every_mail_arrives_today(self) -> None:
        self.archive()
        summary = import_source(open_local_source(self.path))
        assert summary.history_closed == 0
        assert summary.as_dict()["robot"] == 2  # our own address: a loop in the making, never a reply
        assert Message.objects.get(message_id="ours1@softlab.tv").is_robot
        assert CustomerEmail.objects.get(address="old@tv-sibir.ru").bounced_at is not None
        old = Ticket.objects.get(messages__message_id="old1@x.ru")
        assert old.status == Status.NEW and old.reply_due_at is not None and self.acks(old) == 1
        assert old.created_at >= self.now - timedelta(minutes=5)

    def test_history_tells_no_integration_and_no_agent(self) -> None:
        webhooks.subscription_create(by_user=self.sam, name="CRM", url="https://crm.example.ru/hook",
                                     events=[events.TICKET_CREATED, events.STATUS_CHANGED, events.CUSTOMER_REPLIED])
        self.archive()
        import_source(open_local_source(self.path), history_before=self.now - timedelta(days=1))
        created = WebhookDelivery.objects.filter(event=events.TICKET_CREATED)
        assert [d.payload["ticket"]["id"] for d in created] == [
            Ticket.objects.get(messages__message_id="new1@x.ru").pk]
        assert not WebhookDelivery.objects.filter(event=events.STATUS_CHANGED).exists()
        replied = WebhookDelivery.objects.filter(event=events.CUSTOMER_REPLIED)
        assert [d.payload["ticket"]["id"] for d in replied] == [
            Ticket.objects.get(messages__message_id="late1@x.ru").pk]

        ticket = self.make_ticket()
        services.ticket_assign(ticket=ticket, assignee=self.alice, by_user=self.sam)
        before = Notification.objects.filter(recipient=self.alice).count()
        with recording_history():
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Старое письмо.",
                                        author_customer=self.customer)
        assert Notification.objects.filter(recipient=self.alice).count() == before
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Новое письмо.",
                                    author_customer=self.customer)
        assert Notification.objects.filter(recipient=self.alice).count() == before + 1

    def test_command_options(self) -> None:
        self.archive()
        out = io.StringIO()
        call_command("mail", "import", str(self.path), "--history", "--quiet", stdout=out)
        assert "ticketed 3 / threaded 3 / robots 1" in out.getvalue()
        assert "tickets closed as history 3" in out.getvalue()
        assert not OutgoingMail.objects.filter(kind="ack").exists()
        assert set(Ticket.objects.values_list("status", flat=True)) == {Status.CLOSED}

        for bad, says in (("yesterday", "is not a date"), ("2999-01-01", "is in the future")):
            with pytest.raises(CommandError) as caught:
                call_command("mail", "import", str(self.path), "--history-before", bad, stdout=io.StringIO())
            assert "--history-before" in str(caught.value) and says in str(caught.value)

    def test_an_old_message_on_a_live_ticket_changes_nothing_of_today(self) -> None:
        ticket = self.make_ticket()  # a request of today: its clock runs
        pending, due, heard = ticket.reply_pending_since, ticket.reply_due_at, ticket.last_customer_message_at
        with recording_history():
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Давнее письмо.",
                                        author_customer=self.customer, created_at=office_time(2025, 1, 10, 9))
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Давний ответ.",
                                        author_user=self.alice, created_at=office_time(2025, 1, 10, 12))
        ticket.refresh_from_db()
        assert (ticket.reply_pending_since, ticket.reply_due_at, ticket.last_customer_message_at) == (
            pending, due, heard)  # the old answer did not answer today's request
        assert ticket.first_response_at == office_time(2025, 1, 10, 12)
        solved = services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by_user=self.alice,
                                            confirmed=True, reason="решено")
        with recording_history():
            services.ticket_add_message(ticket=solved, kind=Message.Kind.INCOMING, body_text="Ещё давнее.",
                                        author_customer=self.customer, created_at=office_time(2025, 1, 11, 9))
        solved.refresh_from_db()
        assert solved.status == Status.SOLVED and solved.reply_pending_since is None

    def test_cutoff_and_the_time_a_history_mail_takes(self) -> None:
        now = office_time(2026, 12, 7, 12)
        assert history_cutoff("2026-12-01", now=now) == office_time(2026, 12, 1)  # midnight in the office
        assert history_cutoff("2026-12-01T10:00:00+00:00", now=now) == office_time(2026, 12, 1, 17)
        assert history_cutoff(None, everything=True, now=now) == now
        assert history_cutoff(None, now=now) is None
        written = office_time(2026, 11, 30, 9)
        parsed = parse_mail(make_mail(date=format_datetime(written)))
        assert placed_at(InboundMail(received_at=now, history=True), parsed) == written
        assert placed_at(InboundMail(received_at=now, history=False), parsed) == now
        future = parse_mail(make_mail(date=format_datetime(now + timedelta(days=3))))
        assert placed_at(InboundMail(received_at=now, history=True), future) == now  # never after we read it
        assert not is_history()
        with recording_history():
            assert is_history()
            with recording_history(False):
                assert not is_history()
        assert not is_history()

    def test_the_history_flag_is_stored_and_a_mail_placed_after_a_crash_keeps_it(self) -> None:
        self.archive()
        rows, known = store_many(open_local_source(self.path).fetch_new(), source="import",
                                 history_before=self.now - timedelta(days=1))
        assert known == 0
        flags = dict(InboundMail.objects.values_list("message_id", "history"))
        assert flags["old1@x.ru"] and flags["late1@x.ru"] and not flags["late2@x.ru"] and not flags["new1@x.ru"]
        # Nothing placed yet (the process died): the stale-mail job places the old one as history.
        inbound_process_stale(older_than=timedelta(0))
        old = Ticket.objects.get(messages__message_id="old1@x.ru")
        assert old.created_at == office_time(2025, 1, 10, 9) and old.reply_due_at is None and self.acks(old) == 0
        assert self.acks(Ticket.objects.get(messages__message_id="new1@x.ru")) == 1


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason=database_only("postgresql", "parallel import needs several connections"))
class ParallelHistoryImportTests(TransactionTestCase):
    """A large archive on PostgreSQL is placed by worker processes: each worker records history too."""

    def test_large_archive(self) -> None:
        tmp = TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        path = Path(tmp.name)
        for n in range(40):
            sender = f"user{n}@company{n}.ru"
            at = office_time(2025, 3, 3, 9) + timedelta(hours=n)
            (path / f"{n:03}a.eml").write_bytes(make_mail(sender=sender, message_id=f"h{n}@x.ru",
                                                          subject=f"Вопрос {n}", date=format_datetime(at)))
            (path / f"{n:03}b.eml").write_bytes(make_mail(sender=sender, message_id=f"h{n}r@x.ru",
                                                          subject=f"Re: Вопрос {n}", in_reply_to=f"h{n}@x.ru",
                                                          date=format_datetime(at + timedelta(minutes=30))))
        summary = import_source(open_local_source(path), history_before=timezone.now())
        assert summary.as_dict()["ticketed"] == 40 and summary.as_dict()["threaded"] == 40
        assert summary.history_closed == 40
        assert set(Ticket.objects.values_list("status", flat=True)) == {Status.CLOSED}
        assert not OutgoingMail.objects.exists()
        assert not Ticket.objects.filter(reply_due_at__isnull=False).exists()
        first = Ticket.objects.get(messages__message_id="h0@x.ru")
        assert first.created_at == office_time(2025, 3, 3, 9)
        assert first.closed_at == office_time(2025, 3, 3, 9, 30)
