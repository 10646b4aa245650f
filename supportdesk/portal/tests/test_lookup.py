"""Ticket look-up: never reveals existence; a link works once, expires, opens only its ticket."""

import re
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from supportdesk.lib.client_ip import parse_networks
from supportdesk.outbox.models import OutgoingMail
from supportdesk.portal.models import AccessLink
from supportdesk.portal.services import MAILS_PER_ADDRESS, RATE_PER_IP
from supportdesk.replies.tests.helpers import parsed
from supportdesk.test import BaseTestCase
from supportdesk.tickets import services, services_merge
from supportdesk.tickets.models import Message, Status

LOOKUP = "/portal/lookup/"


class LookupTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.ticket = self.make_ticket(subject="Титры мигают", body="Титры мигают на выходе.")
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.NOTE, body_text="СЕКРЕТНАЯ ЗАМЕТКА",
                                    author_user=self.alice)
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.OUTGOING, body_text="Ответ агента",
                                    author_user=self.alice)
        self.other = self.make_ticket(subject="Чужая заявка")

    def request_link(self, number: object, email: str) -> str:
        response = self.client.post(LOOKUP, {"number": str(number), "email": email})
        assert response.status_code == 200
        return response.content.decode()

    def mailed_token(self) -> str:
        mail = OutgoingMail.objects.filter(kind="lookup").latest("id")
        match = re.search(rb"/portal/access/([A-Za-z0-9_-]+)/", bytes(mail.raw).replace(b"=\r\n", b""))
        assert match, "the link is in the mail"
        return match.group(1).decode()

    def open_link(self, token: str) -> int:
        url = reverse("portal:access", args=[token])
        return self.client.post(url).status_code

    def test_same_answer_whether_or_not_the_pair_exists(self) -> None:
        found = self.request_link(self.ticket.pk, "IVANOV@tv-sibir.ru")
        wrong_mail = self.request_link(self.ticket.pk, "someone@else.ru")
        no_ticket = self.request_link(999999, "ivanov@tv-sibir.ru")
        strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
        assert strip(found) == strip(wrong_mail) == strip(no_ticket)
        assert OutgoingMail.objects.filter(kind="lookup").count() == 1
        assert AccessLink.objects.get().token_sha256 != self.mailed_token()  # stored hashed

    def test_a_merged_tickets_number_opens_the_ticket_it_was_merged_into(self) -> None:
        # Issue 13, item 5: the acknowledgment gave the customer the duplicate's number.
        duplicate = self.make_ticket(subject="Титры мигают снова", body="Опять мигают титры.")
        services_merge.ticket_merge(source=duplicate, target=self.ticket, by_user=self.alice, confirmed=True)
        self.request_link(duplicate.pk, "ivanov@tv-sibir.ru")
        mail = OutgoingMail.objects.get(kind="lookup")
        link = AccessLink.objects.get()
        assert link.ticket_id == self.ticket.pk and mail.ref == f"ticket:{self.ticket.pk}"
        assert f"№{duplicate.pk} объединено с обращением №{self.ticket.pk}" in parsed(bytes(mail.raw)).get_content()
        assert self.open_link(self.mailed_token()) == 302
        page = self.client.get(reverse("portal:ticket", args=[self.ticket.pk])).content.decode()
        assert "Опять мигают титры." in page and "Титры мигают на выходе." in page
        # Someone else's address still gets nothing for that number.
        self.request_link(duplicate.pk, "someone@else.ru")
        assert OutgoingMail.objects.filter(kind="lookup").count() == 1

    def test_link_works_once_and_shows_only_public_messages(self) -> None:
        self.request_link(self.ticket.pk, "ivanov@tv-sibir.ru")
        token = self.mailed_token()
        assert self.client.get(reverse("portal:access", args=[token])).status_code == 200  # GET uses nothing
        assert self.open_link(token) == 302
        page = self.client.get(reverse("portal:ticket", args=[self.ticket.pk])).content.decode()
        assert "Титры мигают на выходе." in page and "Ответ агента" in page
        assert "СЕКРЕТНАЯ ЗАМЕТКА" not in page
        self.client.logout()
        assert self.open_link(token) == 410  # reused
        assert self.client.get(reverse("portal:ticket", args=[self.ticket.pk])).status_code == 404

    def test_conversation_times_are_office_time_and_labelled(self) -> None:
        """Issue 13 item 14: 23:30 UTC is 06:30 the next morning in Novosibirsk, and says so."""
        late = services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.INCOMING, body_text="Ночью",
                                           author_customer=self.customer,
                                           created_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
        self.request_link(self.ticket.pk, "ivanov@tv-sibir.ru")
        self.open_link(self.mailed_token())
        page = self.client.get(reverse("portal:ticket", args=[self.ticket.pk])).content.decode()
        assert late.body_text in page
        assert "03.03.2026 06:30" in page and "02.03.2026 23:30" not in page
        assert "Новосибирск, UTC+7" in page

    def test_link_opens_only_its_own_ticket(self) -> None:
        self.request_link(self.ticket.pk, "ivanov@tv-sibir.ru")
        assert self.open_link(self.mailed_token()) == 302
        assert self.client.get(reverse("portal:ticket", args=[self.other.pk])).status_code == 404
        assert self.client.post(reverse("portal:ticket-add", args=[self.other.pk]), {"text": "x"}).status_code == 404

    def test_expired_link_is_refused(self) -> None:
        self.request_link(self.ticket.pk, "ivanov@tv-sibir.ru")
        token = self.mailed_token()
        AccessLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert self.client.get(reverse("portal:access", args=[token])).status_code == 410
        assert self.open_link(token) == 410
        assert self.client.get(reverse("portal:ticket", args=[self.ticket.pk])).status_code == 404

    def test_added_information_is_the_customers_message(self) -> None:
        services.ticket_set_status(ticket=self.ticket, status=Status.WAITING_CUSTOMER, by_user=self.alice)
        self.request_link(self.ticket.pk, "ivanov@tv-sibir.ru")
        self.open_link(self.mailed_token())
        response = self.client.post(reverse("portal:ticket-add", args=[self.ticket.pk]),
                                    {"text": "Версия 7.0.3, настройки приложу письмом."})
        assert response.status_code == 302
        message = Message.objects.filter(ticket=self.ticket, kind=Message.Kind.INCOMING).latest("id")
        assert message.body_text.startswith("Версия 7.0.3") and message.channel == "email"
        assert message.event_data == {"via": "portal"} and message.author_customer == self.customer
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.OPEN and self.ticket.reply_due_at is not None

    @override_settings(TRUSTED_PROXIES=parse_networks(["10.0.0.0/8"]))
    def test_one_client_behind_the_proxy_cannot_lock_out_the_customer(self) -> None:
        attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
        for _ in range(RATE_PER_IP):
            response = self.client.post(LOOKUP, {"number": "123456", "email": "ivanov@tv-sibir.ru"}, **attacker)
            assert response.status_code == 200
        assert self.client.post(LOOKUP, {"number": "1", "email": "x@y.ru"}, **attacker).status_code == 429
        # A header the attacker writes himself does not make him someone else.
        forged = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.66"}
        assert self.client.post(LOOKUP, {"number": "1", "email": "x@y.ru"}, **forged).status_code == 429
        # The customer, through the same proxy, still gets the link.
        customer = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")
        response = customer.post(LOOKUP, {"number": str(self.ticket.pk), "email": "ivanov@tv-sibir.ru"})
        assert response.status_code == 200 and response.context["sent"]
        assert OutgoingMail.objects.filter(kind="lookup").count() == 1

    def test_an_untrusted_peer_is_keyed_by_its_own_address(self) -> None:
        for n in range(RATE_PER_IP):  # rotating X-Forwarded-For: no proxy is trusted, so it is ignored
            self.client.post(LOOKUP, {"number": "1", "email": "x@y.ru"}, REMOTE_ADDR="203.0.113.66",
                             HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        response = self.client.post(LOOKUP, {"number": "1", "email": "x@y.ru"}, REMOTE_ADDR="203.0.113.66",
                                    HTTP_X_FORWARDED_FOR="198.51.100.200")
        assert response.status_code == 429

    def test_link_mails_per_address_are_capped_without_a_lockout(self) -> None:
        for n in range(MAILS_PER_ADDRESS + 3):
            response = self.client.post(LOOKUP, {"number": str(self.ticket.pk), "email": "ivanov@tv-sibir.ru"},
                                        REMOTE_ADDR=f"203.0.113.{n + 1}")
            assert response.status_code == 200 and response.context["sent"]  # the same answer every time
        assert OutgoingMail.objects.filter(kind="lookup").count() == MAILS_PER_ADDRESS
        # The links already mailed still open the ticket.
        self.open_link(self.mailed_token())
        assert self.client.get(reverse("portal:ticket", args=[self.ticket.pk])).status_code == 200


class PurgeTests(BaseTestCase):
    def test_old_links_are_purged(self) -> None:
        from supportdesk.portal.services import access_links_purge

        ticket = self.make_ticket()
        now = timezone.now()
        AccessLink.objects.create(ticket=ticket, email="a@b.ru", token_sha256="1" * 64, created_at=now,
                                  expires_at=now - timedelta(days=8))
        AccessLink.objects.create(ticket=ticket, email="a@b.ru", token_sha256="2" * 64, created_at=now,
                                  expires_at=now + timedelta(hours=1))
        assert access_links_purge() == 1
        assert AccessLink.objects.get().token_sha256 == "2" * 64
