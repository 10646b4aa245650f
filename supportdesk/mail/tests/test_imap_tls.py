"""IMAP over SSL verifies the server's certificate: a real Dovecot with a certificate from a test CA."""

from __future__ import annotations

import os

import pytest

from supportdesk.mail.backends.imap import ImapConfigError, ImapSource
from supportdesk.mail.models import Mailbox
from supportdesk.mail.polling import poll_mailbox
from supportdesk.mail.tests.factory import make_mail
from supportdesk.test import BaseTestCase
from supportdesk.testing.servers import DovecotServer, dovecot_available
from supportdesk.testing.tls import TestCA
from supportdesk.tickets.models import Message

pytestmark = pytest.mark.skipif(not dovecot_available(), reason="dovecot missing or not root")
USER, PASSWORD, PASSWORD_ENV = "support", "imap-secret", "SUPPORTDESK_IMAP_TLS_TEST"


class ImapTlsTests(BaseTestCase):
    server: DovecotServer
    ca: TestCA
    other_ca: TestCA

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.ca, cls.other_ca = TestCA(), TestCA()
        cls.server = DovecotServer({USER: PASSWORD}, tls=cls.ca.files()).start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        os.environ[PASSWORD_ENV] = PASSWORD
        self.addCleanup(os.environ.pop, PASSWORD_ENV, None)

    def mailbox(self, ca_file: str) -> Mailbox:
        return Mailbox.objects.create(name=f"tls-{Mailbox.objects.count()}", kind=Mailbox.Kind.IMAP,
                                      host=self.server.host, port=self.server.port, use_ssl=True,
                                      username=USER, password_env=PASSWORD_ENV, ca_file=ca_file)

    def test_the_mailboxs_ca_file_is_accepted(self) -> None:
        self.server.append(USER, PASSWORD, make_mail(message_id="tls1@x.ru", subject="По TLS"))
        summary = poll_mailbox(self.mailbox(self.ca.ca_file))
        assert summary.total == 1
        assert Message.objects.filter(message_id="tls1@x.ru").exists()

    def test_a_certificate_from_another_ca_is_refused_with_a_clear_error(self) -> None:
        for ca_file in (self.other_ca.ca_file, ""):  # another CA, and the system store (no test CA in it)
            with self.subTest(ca_file=ca_file):
                mailbox = self.mailbox(ca_file)
                with pytest.raises(ImapConfigError) as caught:
                    ImapSource(mailbox).connect()
                assert str(caught.value) == (
                    f"mailbox {mailbox.name}: the TLS certificate of 127.0.0.1:{self.server.port} was refused: "
                    "unable to get local issuer certificate (trust its CA with the mailbox's CA file)")
                with pytest.raises(ImapConfigError):
                    poll_mailbox(mailbox)
                mailbox.refresh_from_db()
                assert "was refused" in mailbox.last_error

    def test_a_missing_ca_file_is_a_clear_error(self) -> None:
        mailbox = self.mailbox("/nonexistent/ca.pem")
        with pytest.raises(ImapConfigError, match="CA file /nonexistent/ca.pem does not exist"):
            ImapSource(mailbox).connect()
