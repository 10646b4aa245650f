"""Recipient addresses as SMTP carries them (found by fuzzing the intake then the outbox: an
acknowledgment to a broken From address stalled as an "unexpected error", and one to a
customer at an .рф domain could never be sent)."""

from __future__ import annotations

import email
from email import policy

import pytest

from supportdesk.lib.addresses import UndeliverableAddress, smtp_address, undeliverable_reason
from supportdesk.outbox import services
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.tests.test_outbox import SinkTestCase, enqueue


@pytest.mark.parametrize(("given", "carried"), [
    ("ivanov@tv-sibir.ru", "ivanov@tv-sibir.ru"),
    (" Ivanov@TV-Sibir.RU ", "Ivanov@tv-sibir.ru"),  # the mailbox name keeps its case, the domain not
    ("ivan@почта.рф", "ivan@xn--80a1acny.xn--p1ai"),
    ("info@пример.испытание", "info@xn--e1afmkfd.xn--80akhbyknj4f"),
    ('"ivan ivanov"@tv-sibir.ru', '"ivan ivanov"@tv-sibir.ru'),
    ("ops@[10.0.0.1]", "ops@[10.0.0.1]"),
])
def test_addresses_smtp_can_carry(given: str, carried: str) -> None:
    assert smtp_address(given) == carried
    assert undeliverable_reason(given) == ""


@pytest.mark.parametrize(("given", "reason"), [
    ("n.dmitrieva@v^т!", "no valid internationalised name"),
    ("e.belova@pervy-vladie\rvy.ru", "no mail domain"),
    ("engineer@radio-nnov.ru[10.252.219.104]", "no mail domain"),
    ("nikitin@radi\\o-khv.ru", "no mail domain"),
    ("user@localhost", "no mail domain"),
    ("иван@почта.рф", "needs SMTPUTF8"),
    ("a b@tv-sibir.ru", "not one SMTP can carry"),
    ("ivan..ivanov@tv-sibir.ru", "not one SMTP can carry"),
    ("tv-sibir.ru", "no e-mail address"),
    ("@tv-sibir.ru", "no e-mail address"),
])
def test_addresses_nothing_can_deliver_to_say_why(given: str, reason: str) -> None:
    with pytest.raises(UndeliverableAddress, match=reason):
        smtp_address(given)


class IdnDeliveryTests(SinkTestCase):
    def test_a_customer_at_an_rf_domain_gets_the_mail_at_its_idna_form(self) -> None:
        mail = enqueue("ivan@почта.рф")
        assert services.outbox_flush().sent == 1
        [received] = self.sink.wait_for(1)
        assert received.rcpt_tos == ("ivan@xn--80a1acny.xn--p1ai",)
        to = email.message_from_bytes(received.data, policy=policy.default)["To"]
        assert [a.addr_spec for a in to.addresses] == ["ivan@xn--80a1acny.xn--p1ai"]
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT

    def test_an_address_nothing_can_deliver_to_fails_at_once_with_the_reason_and_the_round_goes_on(self) -> None:
        broken = enqueue("n.dmitrieva@v^т!")
        fine = enqueue("ivanov@tv-sibir.ru")
        result = services.outbox_flush()
        assert (result.sent, result.failed, result.unreachable) == (1, 1, False)
        broken.refresh_from_db()
        assert broken.state == OutgoingMail.State.FAILED and broken.attempts == 1
        assert "no valid internationalised name" in broken.last_error
        assert [m.rcpt_tos for m in self.sink.wait_for(1)] == [(fine.to_addrs,)]
