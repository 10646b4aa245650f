"""STARTTLS verifies the SMTP server's certificate: a real aiosmtpd with a certificate from a test CA."""

from __future__ import annotations

import email

from django.test import TestCase, override_settings

from supportdesk.outbox import services
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.tests.test_outbox import enqueue
from supportdesk.testing.servers import SmtpSink
from supportdesk.testing.tls import TestCA


class StartTlsTests(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.ca, cls.other_ca = TestCA(), TestCA()

    def setUp(self) -> None:
        super().setUp()
        self.sink = SmtpSink(tls_context=self.ca.server_context()).start()
        self.addCleanup(self.sink.stop)

    def smtp(self, ca_file: str) -> override_settings:
        return override_settings(SMTP_HOST=self.sink.host, SMTP_PORT=self.sink.port, SMTP_TIMEOUT=5,
                                 SMTP_STARTTLS=True, SMTP_CA_FILE=ca_file)

    def test_the_right_ca_file_is_accepted(self) -> None:
        mail = enqueue()
        with self.smtp(self.ca.ca_file):
            assert services.outbox_flush().sent == 1
        [received] = self.sink.wait_for(1)
        assert email.message_from_bytes(received.data)["Message-ID"] == f"<{mail.message_id}>"

    def test_a_certificate_from_another_ca_is_refused_and_the_mail_waits(self) -> None:
        mail = enqueue()
        for ca_file in (self.other_ca.ca_file, ""):  # another CA, and the system store (no test CA in it)
            with self.subTest(ca_file=ca_file), self.smtp(ca_file):
                result = services.outbox_flush()
                assert (result.sent, result.unreachable) == (0, True)
                mail.refresh_from_db()
                assert mail.state == OutgoingMail.State.PENDING
                assert mail.last_error.startswith(f"the TLS certificate of 127.0.0.1:{self.sink.port} was refused: "
                                                  "unable to get local issuer certificate")
                assert "SUPPORTDESK_SMTP_CA_FILE" in mail.last_error
                OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=mail.created_at)
        assert self.sink.messages == []

    def test_a_missing_ca_file_is_a_clear_error(self) -> None:
        mail = enqueue()
        with self.smtp("/nonexistent/ca.pem"):
            assert services.outbox_flush().sent == 0
        mail.refresh_from_db()
        assert mail.last_error == "SUPPORTDESK_SMTP_CA_FILE: CA file /nonexistent/ca.pem does not exist"
