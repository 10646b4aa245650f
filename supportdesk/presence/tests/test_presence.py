"""Who has a ticket open and who is typing: the poll's service and view."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from supportdesk.presence.models import TicketPresence
from supportdesk.presence.services import (
    PURGE_AFTER,
    TYPING_TTL,
    VIEWING_TTL,
    presence_beat,
    presence_others,
    presence_purge,
)
from supportdesk.replies.services import ticket_reply
from supportdesk.test import PASSWORD, BaseTestCase


class PresenceServiceTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        self.now = timezone.now()

    def test_others_see_a_viewer_and_the_box_being_typed_in(self):
        presence_beat(ticket=self.ticket, user=self.alice, typing_box="reply", now=self.now)
        presence_beat(ticket=self.ticket, user=self.sam, now=self.now)
        seen_by_sam = presence_others(ticket=self.ticket, user=self.sam, now=self.now)
        assert [(v.name, v.typing_box) for v in seen_by_sam] == [("Алиса", "reply")]
        assert [v.name for v in presence_others(ticket=self.ticket, user=self.alice, now=self.now)] == ["Семён"]

    def test_typing_and_viewing_expire(self):
        presence_beat(ticket=self.ticket, user=self.alice, typing_box="note", now=self.now)
        later = self.now + TYPING_TTL + timedelta(seconds=1)
        assert [v.typing_box for v in presence_others(ticket=self.ticket, user=self.sam, now=later)] == [""]
        gone = self.now + VIEWING_TTL + timedelta(seconds=1)
        assert presence_others(ticket=self.ticket, user=self.sam, now=gone) == []

    def test_a_beat_refreshes_one_row_and_the_purge_drops_old_rows(self):
        presence_beat(ticket=self.ticket, user=self.alice, now=self.now)
        presence_beat(ticket=self.ticket, user=self.alice, now=self.now + timedelta(seconds=3))
        assert TicketPresence.objects.count() == 1
        assert presence_purge(now=self.now + PURGE_AFTER + timedelta(minutes=1)) == 1
        assert TicketPresence.objects.count() == 0

    def test_an_unknown_box_is_refused(self):
        with self.assertRaises(ValueError):
            presence_beat(ticket=self.ticket, user=self.alice, typing_box="<script>")


class PresenceViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        self.url = f"/agent/tickets/{self.ticket.pk}/presence/"

    def test_poll_shows_the_colleague_typing_and_what_changed(self):
        self.client.login(username="sam", password=PASSWORD)
        self.client.post(self.url, {"typing": "reply"})
        seen = self.ticket.messages.order_by("-id").values_list("id", flat=True)[0]
        ticket_reply(ticket=self.ticket, author=self.sam, text="Обновите драйвер.")
        self.client.logout()
        self.client.login(username="alice", password=PASSWORD)
        page = self.client.post(self.url, {"typing": "", "seen": str(seen)}).content.decode()
        assert "Семён" in page
        assert "печатает ответ" in page
        assert 'id="presence-changes"' in page
        assert "Обновите драйвер." in page

    def test_the_ticket_page_carries_the_presence_strip(self):
        self.client.login(username="alice", password=PASSWORD)
        page = self.client.get(f"/agent/tickets/{self.ticket.pk}/").content.decode()
        assert f'hx-post="{self.url}"' in page
        assert "X-CSRFToken" in page

    def test_a_poll_interval_of_zero_turns_presence_off(self):
        self.client.login(username="alice", password=PASSWORD)
        with self.settings(PRESENCE_POLL_SECONDS=0):
            page = self.client.get(f"/agent/tickets/{self.ticket.pk}/").content.decode()
        assert 'id="presence"' not in page
        assert self.url not in page

    def test_odd_input_and_strangers(self):
        self.client.login(username="alice", password=PASSWORD)
        assert self.client.post(self.url, {"typing": "x"}).status_code == 400
        assert self.client.post(self.url, {"seen": "-1"}).status_code == 400
        assert self.client.get(self.url).status_code == 405
        assert self.client.post("/agent/tickets/999999/presence/").status_code == 404
        assert self.client.post(self.url + "leave/").status_code == 204
        self.client.logout()
        self.client.login(username="bob", password=PASSWORD)  # logged in, not an agent
        assert self.client.post(self.url).status_code == 403
        assert not TicketPresence.objects.exists()
