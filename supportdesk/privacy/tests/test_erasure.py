"""152-FZ: export and erasure of one customer's personal data, checked against every table of the
database, the search index and the attachment store; the retention rule; the redaction rules."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import timedelta
from unittest import mock

from django.db import connection

from supportdesk.audit.models import AuditEntry
from supportdesk.customers.models import Customer
from supportdesk.customers.services import customer_for_email
from supportdesk.lib.blobstore import blob_exists
from supportdesk.mail.ingest import ingest_raw
from supportdesk.phone.services import CallLog, call_log
from supportdesk.portal.services import access_link_issue
from supportdesk.privacy.redact import MARKER, Identity, redact_text
from supportdesk.privacy.services import (
    PrivacyError,
    customer_erase,
    customer_export,
    privacy_retention_run,
    retention_candidates,
)
from supportdesk.replies.services import ticket_reply
from supportdesk.replies.tests.helpers import TRUSTED_MTA
from supportdesk.search import index as search_index
from supportdesk.search.models import SearchDocument
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services as ticket_services
from supportdesk.tickets.models import Attachment, Status, Ticket

NAME, EMAIL, PHONE_DIGITS = "Ольга Смирнова", "olga.smirnova@channel-five.ru", "9139876543"
LOG = b"2026-12-03 10:00 audio: output 2 muted\n" * 200


def _mail(n: int) -> bytes:
    body = (f"Здравствуйте! Forward TS 6.2.1, нет звука на втором выходе.\r\n"
            f"Звоните: +7 (913) 987-65-43 или пишите на {EMAIL}.\r\n--\r\n{NAME}, инженер\r\n")
    return (f"Authentication-Results: {TRUSTED_MTA}; dmarc=pass header.from=channel-five.ru\r\n"
            f"From: {NAME} <{EMAIL}>\r\nTo: support@softlab.tv\r\nSubject: Нет звука ({NAME})\r\n"
            f"Message-ID: <erase-{n}@channel-five.ru>\r\nDate: Thu, 03 Dec 2026 10:0{n}:00 +0700\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            f"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{base64.encodebytes(body.encode()).decode()}\r\n"
            f"--b\r\nContent-Type: text/plain; name=olga-{n}.log\r\nContent-Disposition: attachment; filename=olga-{n}.log\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{base64.encodebytes(LOG + bytes([n])).decode()}\r\n--b--\r\n").encode()


def _every_text_value() -> list[tuple[str, str, str]]:
    """(table, column, value) for every text-like and binary value in the database."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and value:
                        found.append((table, column, value))
    return found


def _personal(value: str) -> bool:
    digits = "".join(c for c in value if c.isdigit())
    lowered = value.lower()
    return (EMAIL in lowered or "смирнов" in lowered or "ольга" in lowered or PHONE_DIGITS in digits
            or "olga.smirnova" in lowered)


class ErasureTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        with self.captureOnCommitCallbacks(execute=True):
            for n in (1, 2):
                ingest_raw(_mail(n), source="lmtp")
        self.olga = Customer.objects.get(emails__address=EMAIL)
        self.tickets = list(Ticket.objects.filter(customer=self.olga).order_by("pk"))
        with self.captureOnCommitCallbacks(execute=True):
            ticket_reply(ticket=self.tickets[0], author=self.alice,
                         text=f"Ольга, добрый день! Проверьте выход 2. Ответ на {EMAIL}.")
            call_log(agent=self.alice, ticket=self.tickets[0],
                     log=CallLog(direction="in", number="+7 913 987-65-43", summary=f"Звонила {NAME}", answered=True))
        access_link_issue(ticket=self.tickets[0], email=EMAIL)
        self.other = self.make_ticket(subject="Титры", body="Титры не выводятся; Ольга из соседнего отдела ни при чём")

    def test_export_holds_every_ticket_message_and_attachment(self) -> None:
        blob = customer_export(customer=self.olga, actor=self.sam)
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            data = json.loads(archive.read("data.json"))
            files = [n for n in archive.namelist() if n.startswith("attachments/")]
            self.assertEqual(sorted(archive.read(f)[:-1] for f in files), [LOG, LOG])
        self.assertEqual(data["customer"]["emails"], [EMAIL])
        self.assertEqual(data["customer"]["name"], NAME)
        self.assertEqual([t["number"] for t in data["tickets"]], [t.pk for t in self.tickets])
        kinds = [m["kind"] for m in data["tickets"][0]["messages"]]
        self.assertIn("incoming", kinds)
        self.assertIn("outgoing", kinds)
        self.assertEqual(len(data["calls"]), 1)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertEqual(entry.actor_name, "sam")
        self.assertNotIn("Смирнова", entry.target)

    def test_erasure_leaves_no_personal_field_anywhere(self) -> None:
        shas = set(Attachment.objects.filter(message__ticket__customer=self.olga).values_list("sha256", flat=True))
        self.assertEqual(len(shas), 2)
        before = [v for v in _every_text_value() if _personal(v[2])]
        self.assertTrue({t for t, _, _ in before} >= {"customers_customer", "customers_customeremail",
                                                      "tickets_message", "mail_inboundmail", "outbox_outgoingmail",
                                                      "phone_call", "search_searchdocument"}, before)

        with self.captureOnCommitCallbacks(execute=True):
            summary = customer_erase(customer=self.olga, actor=self.sam, reason="request of 2026-12-04")

        left = [v for v in _every_text_value() if _personal(v[2])]
        # The other customer's ticket mentions an unrelated "Ольга": outside the erased customer's data.
        left = [v for v in left if not (v[0] in {"tickets_message", "search_searchdocument"} and "соседнего" in v[2])]
        self.assertEqual(left, [])
        self.assertTrue(all(not blob_exists(sha) for sha in shas))
        self.assertEqual(summary.tickets, 2)
        self.assertEqual(summary.attachments_removed, 2)
        # The record stays for the company: tickets and messages, redacted.
        self.olga.refresh_from_db()
        self.assertIsNotNone(self.olga.erased_at)
        first = self.tickets[0]
        incoming = first.messages.filter(kind="incoming").first()
        assert incoming is not None
        self.assertIn("нет звука на втором выходе", incoming.body_text)
        self.assertIn(MARKER, incoming.body_text)
        self.assertTrue(SearchDocument.objects.filter(object_id=first.pk, kind="ticket").exists())
        entry = AuditEntry.objects.get(action=AuditEntry.Action.ERASURE)
        self.assertEqual((entry.actor_name, entry.target), ("sam", f"customers.Customer #{self.olga.pk}"))
        self.assertEqual(entry.details["tickets"], 2)
        # The unrelated customer's ticket is untouched.
        self.other.refresh_from_db()
        self.assertIn("Ольга из соседнего отдела", self.other.messages.get(kind="incoming").body_text)

    def test_erasing_twice_or_without_a_reason_is_refused(self) -> None:
        with self.assertRaisesMessage(PrivacyError, "say why"):
            customer_erase(customer=self.olga, actor=self.sam, reason="  ")
        customer_erase(customer=self.olga, actor=self.sam, reason="request")
        self.olga.refresh_from_db()
        with self.assertRaisesMessage(PrivacyError, "already erased"):
            customer_erase(customer=self.olga, actor=self.sam, reason="request")

    def _close_olgas_tickets(self) -> None:
        for ticket in self.tickets:
            ticket_services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by_user=self.alice,
                                              at=office_time(2026, 12, 5, 12), confirmed=True, reason="duplicate")
            ticket_services.ticket_set_status(ticket=Ticket.objects.get(pk=ticket.pk), status=Status.CLOSED,
                                              by_user=self.alice, at=office_time(2026, 12, 6, 12))

    def test_retention_names_customers_whose_tickets_all_closed_long_ago(self) -> None:
        now = office_time(2031, 1, 10, 12)
        self._close_olgas_tickets()
        self.assertEqual(retention_candidates(now=now, years=5), [])
        self.assertEqual(retention_candidates(now=now, years=4), [self.olga])  # Ivan has an open ticket
        self.assertEqual(retention_candidates(now=now - timedelta(days=365 * 3), years=4), [])

    def test_the_retention_run_erases_and_rewrites_the_search_index_once(self) -> None:
        self._close_olgas_tickets()
        pavel = customer_for_email(address="pavel@example.ru", name="Павел Орлов")
        old = self.make_ticket(subject="Лицензия", body="Ключ не найден.", customer=pavel)
        Ticket.objects.filter(pk=old.pk).update(status=Status.CLOSED, closed_at=office_time(2026, 12, 6, 12))
        policy = mock.MagicMock()
        policy.privacy.erase_after_years = 4
        with (mock.patch("supportdesk.privacy.services.get_policy", return_value=policy),
              mock.patch.object(search_index, "purge", wraps=search_index.purge) as purge,
              self.captureOnCommitCallbacks(execute=True)):
            self.assertEqual(privacy_retention_run(now=office_time(2031, 1, 10, 12)), "erased 2 customers")
        self.assertEqual(purge.call_count, 1)  # once for the run, not once per customer
        self.olga.refresh_from_db()
        self.assertIsNotNone(self.olga.erased_at)
        left = [v for v in _every_text_value() if _personal(v[2]) and v[0].startswith("search_")
                and "соседнего" not in v[2]]
        self.assertEqual(left, [])


def test_redaction_finds_phone_numbers_in_every_written_form_and_names_as_words() -> None:
    identity = Identity(emails={"olga@x.ru"}, phones={"+79139876543"})
    identity.add_name("Ольга Смирнова")
    pattern = identity.pattern()
    for written in ("+7 913 987-65-43", "8 (913) 9876543", "79139876543", "913-987-65-43"):
        assert redact_text(f"тел. {written}.", pattern) == f"тел. {MARKER}."
    assert redact_text("OLGA@X.RU и Смирнова", pattern) == f"{MARKER} и {MARKER}"
    assert redact_text("Смирновой", pattern) == "Смирновой"  # another word form is not her name as written
    assert redact_text("версия 6.2.1, 2026-12-03", pattern) == "версия 6.2.1, 2026-12-03"
    assert redact_text("text", None) == "text"


