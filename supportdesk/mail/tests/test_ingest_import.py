"""``supportdesk mail import``: Maildir, mbox and .eml folders, Date order, summary, re-import."""

from __future__ import annotations

import io
import mailbox
from email.utils import format_datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command

from supportdesk.mail.backends.maildir import MaildirSource
from supportdesk.mail.cli_intake import Progress
from supportdesk.mail.importer import import_source, open_local_source
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets.models import Message, Ticket


def thread() -> list[bytes]:
    """A request, a reply to it and an auto-reply, the reply dated before... nothing: order
    on disk is reversed so that only Date ordering threads it right."""
    root = make_mail(message_id="imp-root@x.ru", subject="Импорт", date=format_datetime(office_time(2025, 1, 10, 9)))
    reply = make_mail(message_id="imp-reply@x.ru", subject="Re: Импорт", in_reply_to="imp-root@x.ru",
                      date=format_datetime(office_time(2025, 1, 11, 9)))
    robot = make_mail(message_id="imp-robot@x.ru", subject="Автоответ", headers={"Auto-Submitted": "auto-replied"},
                      date=format_datetime(office_time(2025, 1, 12, 9)))
    spam = make_mail(message_id="imp-spam@x.ru", headers={"X-Spam-Flag": "YES"})
    return [robot, reply, root, spam]


class ImportTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tmp = TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.path = Path(self.tmp.name)

    def check(self, out: str) -> None:
        self.assertIn("ticketed 1 / threaded 1 / robots 1 / spam 1 / duplicates 0 / quarantined 0", out)
        root = Message.objects.get(message_id="imp-root@x.ru")
        self.assertEqual(Message.objects.get(message_id="imp-reply@x.ru").ticket_id, root.ticket_id)
        self.assertEqual(Ticket.objects.filter(subject="Импорт").count(), 1)

    def test_folder_of_eml_files_in_date_order(self) -> None:
        for n, raw in enumerate(thread()):
            (self.path / f"{n}.eml").write_bytes(raw)
        out = io.StringIO()
        call_command("mail", "import", str(self.path), stdout=out)
        self.check(out.getvalue())
        again = io.StringIO()
        call_command("mail", "import", str(self.path), stdout=again)
        self.assertIn("duplicates 4", again.getvalue())
        self.assertEqual(InboundMail.objects.count(), 4)

    def test_mbox(self) -> None:
        box = mailbox.mbox(str(self.path / "archive.mbox"))
        for raw in thread():
            box.add(raw)
        box.close()
        out = io.StringIO()
        call_command("mail", "import", str(self.path / "archive.mbox"), stdout=out)
        self.check(out.getvalue())

    def test_mbox_escapes_are_the_files_not_the_customers(self) -> None:
        box = mailbox.mbox(str(self.path / "archive.mbox"))
        box.add(make_mail(message_id="esc@x.ru", body="Лог:\nFrom the start it fails.\n"))
        box.close()
        self.assertIn(b"\n>From the start", (self.path / "archive.mbox").read_bytes())  # mailbox escaped it
        call_command("mail", "import", str(self.path / "archive.mbox"), stdout=io.StringIO())
        row = InboundMail.objects.get(message_id="esc@x.ru")
        self.assertIn(b"\nFrom the start", bytes(row.raw))
        self.assertNotIn(b">From", bytes(row.raw))

    def test_maildir_import_is_read_only(self) -> None:
        box = mailbox.Maildir(str(self.path / "Maildir"))
        for raw in thread():
            box.add(raw)
        out = io.StringIO()
        call_command("mail", "import", str(self.path / "Maildir"), stdout=out)
        self.check(out.getvalue())
        self.assertEqual(len(list((self.path / "Maildir" / "new").iterdir())), 4)

    def test_maildir_as_a_live_source_moves_done_mail_to_cur(self) -> None:
        box = mailbox.Maildir(str(self.path / "Maildir"))
        key = box.add(make_mail(message_id="live@x.ru"))
        source = MaildirSource(self.path / "Maildir")
        self.assertEqual([uid for uid, _ in source.fetch_new()], [key])
        source.mark_done(key)
        self.assertEqual(list(source.fetch_new()), [])
        self.assertIn("S", mailbox.Maildir(str(self.path / "Maildir")).get_message(key).get_flags())

    def test_unreadable_path_is_a_clear_error(self) -> None:
        with self.assertRaises(FileNotFoundError):
            open_local_source(self.path / "missing")

    def test_progress_bar_on_a_terminal_and_counter_lines_otherwise(self) -> None:
        tty, plain = io.StringIO(), io.StringIO()
        for n in range(1, 11):
            Progress(tty, tty=True)("process", n, 10)
        progress = Progress(plain, tty=False)
        for n in range(1, 101):
            progress("process", n, 100)
        self.assertIn("\r", tty.getvalue())
        self.assertIn("[##############################] 10/10", tty.getvalue())
        lines = plain.getvalue().splitlines()
        self.assertEqual(lines[0], "process: 10/100")
        self.assertEqual(lines[-1], "process: 100/100")
        self.assertEqual(len(lines), 10)

    def test_large_import_parses_in_a_worker_process(self) -> None:
        for n in range(80):
            (self.path / f"{n:03}.eml").write_bytes(make_mail(message_id=f"bulk{n}@x.ru", subject=f"Тема {n}"))
        summary = import_source(open_local_source(self.path))
        self.assertEqual(summary.as_dict()["ticketed"], 80)
        self.assertEqual(Message.objects.filter(message_id__startswith="bulk").count(), 80)
