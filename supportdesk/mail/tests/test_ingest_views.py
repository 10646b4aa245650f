"""The quarantine and spam pages: listing, raw download, re-process, not spam, permissions."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from supportdesk.audit.models import AuditEntry
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets.models import Ticket


class HeldMailViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        with mock.patch("supportdesk.mail.handlers.ticket_open", side_effect=RuntimeError("broken routing")):
            self.broken = ingest_raw(make_mail(subject="Сломалось", message_id="q1@tv-sibir.ru"), source="test")
        self.spam = ingest_raw(make_mail(subject="Купите слона", headers={"X-Spam-Flag": "YES"}), source="test")
        self.client.login(username="alice", password=PASSWORD)

    def test_quarantine_list_shows_error_sender_subject(self) -> None:
        page = self.client.get(reverse("mail:held"))
        self.assertContains(page, "Сломалось")
        self.assertContains(page, "ivanov@tv-sibir.ru")
        self.assertContains(page, "broken routing")
        self.assertNotContains(page, "Купите слона")
        spam = self.client.get(reverse("mail:held_list", args=["spam"]))
        self.assertContains(spam, "Купите слона")
        self.assertContains(spam, f'id="not-spam-{self.spam.inbound_id}"')

    def test_raw_download_is_an_octet_stream_attachment(self) -> None:
        response = self.client.get(reverse("mail:raw", args=[self.broken.inbound_id]))
        self.assertEqual(response["Content-Type"], "application/octet-stream")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertEqual(response.content, bytes(InboundMail.objects.get(pk=self.broken.inbound_id).raw))
        # A download of customer data is an export: the audit log names who took which mail.
        export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertEqual((export.actor_name, export.target, export.details),
                         ("alice", f"mail.InboundMail #{self.broken.inbound_id}: {InboundMail.objects.get(pk=self.broken.inbound_id)}",
                          {"what": "raw mail"}))

    def test_reprocess_after_the_fix_opens_the_ticket(self) -> None:
        response = self.client.post(reverse("mail:reprocess", args=[self.broken.inbound_id]))
        self.assertRedirects(response, reverse("mail:held"), fetch_redirect_response=False)
        row = InboundMail.objects.get(pk=self.broken.inbound_id)
        self.assertEqual(row.state, "ticketed")
        self.assertTrue(Ticket.objects.filter(pk=row.ticket_id).exists())

    def test_not_spam_releases_the_mail_into_the_queue(self) -> None:
        self.client.post(reverse("mail:not_spam", args=[self.spam.inbound_id]))
        row = InboundMail.objects.get(pk=self.spam.inbound_id)
        self.assertEqual(row.state, "ticketed")
        self.assertEqual(Ticket.objects.get(pk=row.ticket_id).subject, "Купите слона")

    def test_mutations_are_post_only_and_agents_only(self) -> None:
        self.assertEqual(self.client.get(reverse("mail:reprocess", args=[self.broken.inbound_id])).status_code, 405)
        self.client.logout()
        self.client.login(username="bob", password=PASSWORD)
        self.assertEqual(self.client.get(reverse("mail:held")).status_code, 403)
        self.assertEqual(self.client.get(reverse("mail:raw", args=[self.broken.inbound_id])).status_code, 403)
        self.assertEqual(self.client.post(reverse("mail:reprocess", args=[self.broken.inbound_id])).status_code, 403)
        self.assertEqual(InboundMail.objects.get(pk=self.broken.inbound_id).state, "quarantined")
