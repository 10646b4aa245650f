"""The supervisors' personal-data page: export download, erasure with a typed confirmation,
refused to agents (in the view and in the services)."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from supportdesk.privacy.services import customer_erase, customer_export
from supportdesk.test import PASSWORD, BaseTestCase


class PrivacyPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket(body="Звоните +7 913 123-45-67, Иван")
        self.page = reverse("privacy:customer", args=[self.customer.pk])

    def test_agents_may_not_see_export_or_erase(self) -> None:
        self.client.login(username="alice", password=PASSWORD)
        self.assertEqual(self.client.get(self.page).status_code, 403)
        self.assertEqual(self.client.post(reverse("privacy:export", args=[self.customer.pk])).status_code, 403)
        response = self.client.post(reverse("privacy:erase", args=[self.customer.pk]),
                                    {"reason": "x", "confirm_number": str(self.customer.pk)})
        self.assertEqual(response.status_code, 403)
        with self.assertRaises(PermissionDenied):
            customer_export(customer=self.customer, actor=self.alice)
        with self.assertRaises(PermissionDenied):
            customer_erase(customer=self.customer, actor=self.alice, reason="x")
        self.customer.refresh_from_db()
        self.assertIsNone(self.customer.erased_at)

    def test_supervisor_downloads_the_export_and_erases_with_the_typed_number(self) -> None:
        self.client.login(username="sam", password=PASSWORD)
        detail = self.client.get(reverse("tickets:detail", args=[self.ticket.pk]))
        self.assertContains(detail, self.page)
        page = self.client.get(self.page)
        self.assertContains(page, "ivanov@tv-sibir.ru")
        self.assertEqual(self.client.get(reverse("privacy:export", args=[self.customer.pk])).status_code, 405)
        export = self.client.post(reverse("privacy:export", args=[self.customer.pk]))
        self.assertEqual(export["Content-Type"], "application/zip")
        self.assertIn("attachment;", export["Content-Disposition"])
        with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
            self.assertEqual(json.loads(archive.read("data.json"))["customer"]["emails"], ["ivanov@tv-sibir.ru"])

        wrong = self.client.post(reverse("privacy:erase", args=[self.customer.pk]),
                                 {"reason": "request", "confirm_number": "999"})
        self.assertEqual(wrong.status_code, 400)
        self.assertContains(wrong, str(self.customer.pk), status_code=400)
        self.customer.refresh_from_db()
        self.assertIsNone(self.customer.erased_at)

        done = self.client.post(reverse("privacy:erase", args=[self.customer.pk]),
                                {"reason": "request by letter", "confirm_number": str(self.customer.pk)}, follow=True)
        self.assertEqual(done.status_code, 200)
        self.customer.refresh_from_db()
        self.assertIsNotNone(self.customer.erased_at)
        self.assertNotContains(done, "ivanov@tv-sibir.ru")
        message = self.ticket.messages.get(kind="incoming")
        self.assertNotIn("123-45-67", message.body_text)

    def test_unknown_customer_is_404_for_a_supervisor(self) -> None:
        self.client.login(username="sam", password=PASSWORD)
        self.assertEqual(self.client.get(reverse("privacy:customer", args=[99999])).status_code, 404)
