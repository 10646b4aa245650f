"""A large import on PostgreSQL places several mails at once, each on its own connection; a
reply still waits for the request it answers (same thread, same sender, same company), so
the outcome is that of one pass in Date order."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

import pytest
from django.db import connection
from django.test import TransactionTestCase

from supportdesk.mail import handlers, importer
from supportdesk.mail.importer import import_source, open_local_source
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.test import office_time
from supportdesk.testing.skips import database_only
from supportdesk.tickets.models import Message, Ticket

real_place = handlers.place


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason=database_only("postgresql", "parallel import needs several connections"))
class ParallelImportTests(TransactionTestCase):
    def setUp(self) -> None:
        tmp = TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.path = Path(tmp.name)

    def write(self, n: int, **kw: object) -> None:
        (self.path / f"{n:04}.eml").write_bytes(make_mail(date=format_datetime(office_time(2025, 2, 3, 9, 0)
                                                                              .replace(minute=n % 60, second=n // 60)),
                                                          **kw))  # type: ignore[arg-type]

    def test_replies_thread_onto_their_requests_while_other_mails_overlap(self) -> None:
        # 40 customers at 40 companies, each a request then two replies (In-Reply-To, then
        # References only), interleaved so that a reply follows its request closely.
        n = 0
        for c in range(40):
            sender = f"user{c}@company{c}.ru"
            self.write(n, sender=sender, message_id=f"req{c}@x.ru", subject=f"Заявка {c}")
            self.write(n + 1, sender=sender, message_id=f"re1.{c}@x.ru", subject=f"Re: Заявка {c}",
                       in_reply_to=f"req{c}@x.ru", references=f"<req{c}@x.ru>")
            self.write(n + 2, sender=sender, message_id=f"re2.{c}@x.ru", subject="Ещё",
                       references=f"<req{c}@x.ru> <re1.{c}@x.ru>")
            n += 3
        workers: list[int] = []
        real = importer._process_in_parallel

        def spy(todo, **kw):  # type: ignore[no-untyped-def]
            workers.append(kw["workers"])
            return real(todo, **kw)

        with mock.patch.object(importer, "_process_in_parallel", spy):
            summary = import_source(open_local_source(self.path))
        self.assertEqual(workers, [importer.IMPORT_WORKERS])
        self.assertEqual((summary.as_dict()["ticketed"], summary.as_dict()["threaded"]), (40, 80))
        self.assertEqual(Ticket.objects.count(), 40)
        for c in range(40):
            ticket = Message.objects.get(message_id=f"req{c}@x.ru").ticket_id
            self.assertEqual(set(Message.objects.filter(message_id__in=[f"re1.{c}@x.ru", f"re2.{c}@x.ru"])
                                 .values_list("ticket_id", flat=True)), {ticket})

    def test_a_failing_mail_is_quarantined_alone(self) -> None:
        for c in range(70):
            self.write(c, sender=f"user{c}@company{c}.ru", message_id=f"p{c}@x.ru",
                       subject="Сбой кода" if c == 33 else f"Заявка {c}")

        def failing_place(**kwargs: object):  # type: ignore[no-untyped-def]
            placement = real_place(**kwargs)  # type: ignore[arg-type]
            if kwargs["parsed"].subject == "Сбой кода":  # type: ignore[attr-defined]
                raise RuntimeError("bug in a receiver")
            return placement

        with mock.patch("supportdesk.mail.ingest.place", failing_place):
            summary = import_source(open_local_source(self.path))
        self.assertEqual((summary.as_dict()["ticketed"], summary.as_dict()["quarantined"]), (69, 1))
        self.assertEqual(InboundMail.objects.get(state=InboundMail.State.QUARANTINED).message_id, "p33@x.ru")
        self.assertFalse(Ticket.objects.filter(subject="Сбой кода").exists())

    def test_a_worker_places_the_mails_ready_together_in_one_transaction(self) -> None:
        # 70 unrelated requests are all ready at once: a free worker takes up to PARALLEL_BATCH
        # of them into one transaction (PostgreSQL's xmin names the transaction that placed a row)
        for c in range(70):
            self.write(c, sender=f"user{c}@company{c}.ru", message_id=f"b{c}@x.ru", subject=f"Заявка {c}")
        summary = import_source(open_local_source(self.path))
        self.assertEqual(summary.as_dict()["ticketed"], 70)
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text, count(*) FROM mail_inboundmail GROUP BY xmin")
            sizes = [n for _xid, n in cursor.fetchall()]
        self.assertEqual(sum(sizes), 70)
        self.assertLessEqual(max(sizes), importer.PARALLEL_BATCH)
        self.assertGreater(max(sizes), 1)
        self.assertLess(len(sizes), 70)
