from __future__ import annotations

import json

from django.core.management import call_command
from django.urls import reverse

from supportdesk.phone.models import Call, CtiIntegration
from supportdesk.phone.services import integration_create
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets.models import Message, Ticket


class CtiWebhookTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.integration, self.token = integration_create(name="asterisk")
        self.url = reverse("cti:events", args=["asterisk"])

    def post(self, payload: dict, token: str | None = None):
        return self.client.post(self.url, json.dumps(payload), content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {token if token is not None else self.token}")

    def ring(self, call_id: str = "c-1", caller: str = "8 913 123 45 67", event: str = "newCall"):
        return self.post({"event": event, "call_id": call_id, "direction": "in", "caller": caller,
                          "callee": "+73833630462"})

    def test_wrong_token_is_403_and_stores_nothing(self):
        for token in ("wrong", ""):
            response = self.post({"event": "newCall", "call_id": "x", "caller": "+79131234567"}, token=token)
            assert response.status_code == 403
        response = self.client.post(self.url, "{}", content_type="application/json")
        assert response.status_code == 403
        other = reverse("cti:events", args=["nonexistent"])
        response = self.client.post(other, "{}", content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {self.token}")
        assert response.status_code == 403
        assert Call.objects.count() == 0

    def test_only_the_hash_of_the_token_is_stored(self):
        stored = CtiIntegration.objects.get(name="asterisk").token_sha256
        assert self.token not in stored and len(stored) == 64

    def test_the_same_event_twice_makes_one_call(self):
        assert self.ring().status_code == 200
        assert self.ring().status_code == 200
        assert Call.objects.count() == 1

    def test_out_of_order_events_are_harmless(self):
        self.ring(event="hangup")
        self.ring(event="newCall")
        self.ring(event="answer")
        call = Call.objects.get()
        assert call.state == Call.State.ENDED
        assert call.answered_at is not None and call.ended_at is not None

    def test_bad_payload_is_400(self):
        assert self.post({"event": "dance", "call_id": "1"}).status_code == 400
        assert self.post({"event": "newCall"}).status_code == 400
        assert Call.objects.count() == 0

    def test_ringing_call_from_a_known_number_pops_up_with_open_tickets(self):
        ticket = self.make_ticket(subject="Не выводятся титры")
        closed = self.make_ticket(subject="Старый закрытый")
        from supportdesk.tickets.services import ticket_set_status
        ticket_set_status(ticket=closed, status="closed", confirmed=True, reason="duplicate")
        self.ring()
        call = Call.objects.get()
        assert call.customer == self.customer and call.number == "+79131234567"
        self.client.login(username="alice", password=PASSWORD)
        popup = self.client.get(reverse("phone:popup")).content.decode()
        assert "Иван Иванов" in popup
        assert f"#{ticket.pk}" in popup and "Не выводятся титры" in popup
        assert "Старый закрытый" not in popup
        # one click logs the call on that ticket; the pop-up then disappears
        response = self.client.post(reverse("phone:call_to_ticket", args=[call.pk, ticket.pk]))
        assert response.status_code == 302
        call.refresh_from_db()
        assert call.ticket == ticket and call.message is not None
        assert call.message.channel == "phone"
        assert "popup-call" not in self.client.get(reverse("phone:popup")).content.decode()

    def test_popup_is_for_agents_only(self):
        self.client.login(username="bob", password=PASSWORD)
        assert self.client.get(reverse("phone:popup")).status_code == 403

    def test_management_command_prints_the_token_once(self):
        from io import StringIO

        out = StringIO()
        call_command("cti_integration", "hosted-pbx", stdout=out)
        token = out.getvalue().split("token:")[1].split()[0]
        response = self.client.post(reverse("cti:events", args=["hosted-pbx"]),
                                    json.dumps({"event": "newCall", "call_id": "z", "caller": "+74951234567"}),
                                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        assert Ticket.objects.count() == 0 and Message.objects.count() == 0
