"""Bulk import commits many mails per transaction: a mail that fails is still quarantined
alone (its savepoint), and the mails around it in the same batch are kept."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.mail import handlers, importer
from supportdesk.mail.importer import import_source, open_local_source
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets.models import Message, Ticket

real_place = handlers.place


def failing_place(**kwargs: object):  # type: ignore[no-untyped-def]
    """Write the mail's ticket first, then fail: the savepoint must take the writes back."""
    placement = real_place(**kwargs)  # type: ignore[arg-type]
    subject = kwargs["parsed"].subject  # type: ignore[attr-defined]
    if subject == "Сбой БД":
        with connection.cursor() as cursor:  # a real database error, after real writes
            cursor.execute("INSERT INTO mail_inboundmail (id) VALUES (NULL)")
    if subject == "Сбой кода":
        raise RuntimeError("bug in a receiver")
    return placement


class ImportBatchTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        tmp = TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.path = Path(tmp.name)

    def test_failures_inside_a_batch_are_quarantined_alone(self) -> None:
        subjects = [f"Заявка {n}" for n in range(12)]
        subjects[3], subjects[9] = "Сбой БД", "Сбой кода"
        for n, subject in enumerate(subjects):
            (self.path / f"{n}.eml").write_bytes(make_mail(
                message_id=f"batch{n}@x.ru", subject=subject, date=format_datetime(office_time(2025, 2, 3, 9, n))))
        with mock.patch.object(importer, "COMMIT_EVERY", 5), mock.patch("supportdesk.mail.ingest.place",
                                                                        failing_place):
            summary = import_source(open_local_source(self.path))
        assert summary.as_dict()["ticketed"] == 10
        assert summary.as_dict()["quarantined"] == 2
        quarantined = InboundMail.objects.filter(state=InboundMail.State.QUARANTINED)
        assert sorted(quarantined.values_list("message_id", flat=True)) == ["batch3@x.ru", "batch9@x.ru"]
        assert all(m.error for m in quarantined)
        # Nothing of the failed mails survived; everything of the others did, exactly once.
        assert not Ticket.objects.filter(subject__startswith="Сбой").exists()
        assert not Message.objects.filter(message_id__in=["batch3@x.ru", "batch9@x.ru"]).exists()
        kept = Message.objects.filter(message_id__startswith="batch")
        assert sorted(kept.values_list("message_id", flat=True)) == sorted(
            f"batch{n}@x.ru" for n in range(12) if n not in (3, 9))
        assert InboundMail.objects.filter(state=InboundMail.State.TICKETED).count() == 10

    def _write(self, count: int, prefix: str) -> None:
        for n in range(count):
            (self.path / f"{prefix}{n}.eml").write_bytes(make_mail(
                message_id=f"{prefix}{n}@x.ru", subject=f"Заявка {prefix}{n}", sender=f"{prefix}{n}@tv-sibir.ru",
                date=format_datetime(office_time(2025, 2, 3, 9, n))))

    def test_a_batch_writes_its_mails_final_states_in_one_statement(self) -> None:
        self._write(6, "fin")
        with mock.patch.object(importer, "COMMIT_EVERY", 6), CaptureQueriesContext(connection) as queries:
            summary = import_source(open_local_source(self.path))
        assert summary.as_dict()["ticketed"] == 6
        finals = [q["sql"] for q in queries.captured_queries
                  if q["sql"].startswith("UPDATE") and '"mail_inboundmail"' in q["sql"]]
        assert len(finals) == 1
        rows = InboundMail.objects.filter(message_id__startswith="fin").order_by("message_id")
        assert [(r.state, r.route, r.opened_ticket, bool(r.processed_at), r.error) for r in rows] == [
            ("ticketed", "new", True, True, "")] * 6
        assert all(Message.objects.filter(inbound_id=r.pk, ticket_id=r.ticket_id).exists() for r in rows)
        assert sorted(r.subject for r in rows) == [f"Заявка fin{n}" for n in range(6)]
        if connection.vendor == "postgresql":  # one look at the threads' locks for the whole batch
            locks = [q for q in queries.captured_queries if "pg_try_advisory_xact_lock" in q["sql"]]
            assert len(locks) == 1

    def test_a_row_no_longer_pending_at_the_batch_end_sends_the_batch_the_careful_way(self) -> None:
        self._write(4, "race")
        real = handlers.place
        seen: list[str] = []

        def place_and_change_one_row(**kwargs: object):  # type: ignore[no-untyped-def]
            placement = real(**kwargs)  # type: ignore[arg-type]
            mid = kwargs["parsed"].message_id  # type: ignore[attr-defined]
            seen.append(mid)
            if mid == "race2@x.ru" and seen.count(mid) == 1:
                # In the optimistic pass only: the row leaves "pending" before the batch's final
                # UPDATE (as when another process finished it), which must then match 3 rows of 4.
                InboundMail.objects.filter(pk=kwargs["inbound_id"]).update(error="changed elsewhere",
                                                                            state=InboundMail.State.DUPLICATE)
            return placement

        with mock.patch.object(importer, "COMMIT_EVERY", 4), mock.patch("supportdesk.mail.ingest.place",
                                                                        place_and_change_one_row):
            summary = import_source(open_local_source(self.path))
        assert seen.count("race0@x.ru") == 2  # the whole batch was placed again, the careful way
        assert summary.as_dict()["ticketed"] == 4
        rows = InboundMail.objects.filter(message_id__startswith="race")
        assert sorted(rows.values_list("state", "error")) == [("ticketed", "")] * 4
        # the optimistic pass left nothing behind: one ticket per mail
        assert Ticket.objects.filter(subject__startswith="Заявка race").count() == 4
