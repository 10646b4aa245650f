"""Bulk import commits many mails per transaction: a mail that fails is still quarantined
alone (its savepoint), and the mails around it in the same batch are kept."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.db import connection

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
