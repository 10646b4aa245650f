"""Who is told what, in the bell and by e-mail (issue 17.3)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from supportdesk.accounts.roles import ensure_groups
from supportdesk.escalation.watcher import sla_watch
from supportdesk.mail.ingest import ingest_raw
from supportdesk.notifications.mentions import mentioned_usernames
from supportdesk.notifications.models import Notification, TicketFollower
from supportdesk.notifications.services import settings_save, ticket_follow
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.replies.services import ticket_note, ticket_reply
from supportdesk.replies.tests.helpers import TRUSTED_MTA, customer_mail, parsed, start_sink, text_part
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import services
from supportdesk.tickets.models import Message

Kind = Notification.Kind


def kinds(user) -> list[str]:  # noqa: ANN001
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def notify_mail(to: str) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="notify", to_addrs=to).order_by("id"))


class MentionParsingTests(BaseTestCase):
    def test_mentions(self):
        assert mentioned_usernames("@Sam, глянь; и @alice.") == ["sam", "alice"]
        assert mentioned_usernames("пишите на ivanov@tv-sibir.ru") == []
        assert mentioned_usernames("(@sam) @sam @o.petrova-2") == ["sam", "o.petrova-2"]


class WhoIsToldTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        agents, _ = ensure_groups()
        self.oleg = get_user_model().objects.create_user("oleg", "oleg@softlab.tv", PASSWORD, first_name="Олег")
        self.oleg.groups.add(agents)
        self.ticket = self.make_ticket()

    def test_assignment_tells_the_assignee_by_bell_and_mail_never_the_actor(self):
        services.ticket_assign(ticket=self.ticket, assignee=self.alice, by_user=self.sam)
        assert kinds(self.alice) == [Kind.ASSIGNED]
        assert kinds(self.sam) == []
        mail = notify_mail("alice@softlab.tv")
        assert len(mail) == 1 and mail[0].ref == f"internal:ticket:{self.ticket.pk}"
        assert f"№{self.ticket.pk}" in mail[0].subject and f"[#{self.ticket.pk}]" not in mail[0].subject
        # Taking a ticket oneself tells nobody.
        services.ticket_assign(ticket=self.ticket, assignee=self.oleg, by_user=self.oleg)
        assert kinds(self.oleg) == []
        assert TicketFollower.objects.filter(ticket=self.ticket, user=self.oleg, active=True).exists()

    def test_customer_reply_tells_the_assignee_and_the_followers(self):
        services.ticket_assign(ticket=self.ticket, assignee=self.alice, by_user=self.sam)
        ticket_follow(ticket=self.ticket, user=self.oleg)
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.INCOMING, body_text="Всё ещё нет титров.",
                                    author_customer=self.customer)
        assert kinds(self.alice) == [Kind.ASSIGNED, Kind.CUSTOMER_REPLY]
        assert kinds(self.oleg) == [Kind.FOLLOWED]
        assert Notification.objects.get(recipient=self.oleg).excerpt == "Всё ещё нет титров."
        assert len(notify_mail("alice@softlab.tv")) == 2
        assert notify_mail("oleg@softlab.tv") == []  # followed tickets by mail are opt-in

    def test_a_mention_in_a_note_tells_that_agent_only_if_they_may_see_it(self):
        ticket_note(ticket=self.ticket, author=self.alice, text="@oleg @bob @nobody посмотрите логи")
        assert kinds(self.oleg) == [Kind.MENTION]
        assert kinds(self.bob) == []  # a logged-in user who is no agent sees no ticket
        assert notify_mail("oleg@softlab.tv")[0].subject.startswith("Алиса упомянул(а) вас")

    def test_writers_follow_and_an_unfollow_sticks(self):
        ticket_reply(ticket=self.ticket, author=self.sam, text="Обновите драйвер.")
        ticket_note(ticket=self.ticket, author=self.alice, text="Позвонила клиенту.")
        assert kinds(self.sam) == [Kind.FOLLOWED]  # Alice's note, on a ticket Sam answered
        ticket_follow(ticket=self.ticket, user=self.sam, follow=False)
        ticket_reply(ticket=self.ticket, author=self.sam, text="Ещё одно уточнение.")
        ticket_note(ticket=self.ticket, author=self.alice, text="Клиент перезвонит.")
        assert kinds(self.sam) == [Kind.FOLLOWED]
        assert kinds(self.alice) == [Kind.FOLLOWED]  # Sam's second reply

    def test_settings_turn_mail_off_but_not_the_bell(self):
        settings_save(user=self.alice, email_assigned=False)
        services.ticket_assign(ticket=self.ticket, assignee=self.alice, by_user=self.sam)
        assert kinds(self.alice) == [Kind.ASSIGNED]
        assert notify_mail("alice@softlab.tv") == []
        assert Notification.objects.get(recipient=self.alice).emailed is False

    def test_a_failing_notification_does_not_cost_the_entry(self):
        from unittest import mock

        with mock.patch("supportdesk.notifications.receivers.notify_message", side_effect=RuntimeError("bug")), \
                self.assertLogs("supportdesk.notifications.receivers", "ERROR"):
            services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.INCOMING, body_text="ещё",
                                        author_customer=self.customer)
        assert self.ticket.messages.filter(body_text="ещё").exists()

    def test_sla_warning_tells_the_assignee_once_and_followers(self):
        services.ticket_assign(ticket=self.ticket, assignee=self.alice, by_user=self.sam)
        ticket_follow(ticket=self.ticket, user=self.oleg)
        settings_save(user=self.oleg, email_followed=True)
        self.ticket.refresh_from_db()
        sla_watch(self.ticket.reply_target_at + timedelta(minutes=1), sync=lambda now: None)
        assert kinds(self.alice) == [Kind.ASSIGNED, Kind.SLA_WARNING]
        assert kinds(self.oleg) == [Kind.FOLLOWED]
        # The watcher's own notice is Alice's mail about it: no second one from us.
        assert [m.kind for m in OutgoingMail.objects.filter(to_addrs="alice@softlab.tv").order_by("id")] == [
            "notify", "sla_warning"]
        assert [m.kind for m in notify_mail("oleg@softlab.tv")] == ["notify"]


@override_settings(MAIL_AUTHSERV_IDS=[TRUSTED_MTA])
class MailThroughSmtpTests(BaseTestCase):
    def test_customer_reply_through_intake_mails_the_assignee(self):
        sink = start_sink(self)
        ticket = self.make_ticket(subject="Не выводятся титры")
        services.ticket_assign(ticket=ticket, assignee=self.alice, by_user=self.sam)
        raw = customer_mail(sender="ivanov@tv-sibir.ru", name="Иван Иванов", subject=f"Re: [#{ticket.pk}] Не выводятся титры",
                            body="Обновил драйвер, титры так и не появились.", sent=timezone.now(),
                            message_id="reply-2@tv-sibir.ru")
        ingest_raw(raw, source="lmtp")
        assert Notification.objects.filter(recipient=self.alice, kind=Kind.CUSTOMER_REPLY).count() == 1
        outbox_flush()
        to_alice = [parsed(m.data) for m in sink.messages if m.rcpt_tos == ("alice@softlab.tv",)]
        subjects = [str(m["Subject"]) for m in to_alice]
        assert f"Клиент ответил в вашей заявке №{ticket.pk}: Не выводятся титры" in subjects
        reply_mail = next(m for m in to_alice if str(m["Subject"]).startswith("Клиент ответил"))
        body = text_part(reply_mail)
        assert "Обновил драйвер, титры так и не появились." in body
        assert f"/agent/tickets/{ticket.pk}/" in body
        assert reply_mail["Auto-Submitted"] == "auto-generated"
        assert not any("alice" in r for m in sink.messages if m.rcpt_tos != ("alice@softlab.tv",) for r in m.rcpt_tos)


class PagesTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        services.ticket_assign(ticket=self.ticket, assignee=self.alice, by_user=self.sam)
        self.client.login(username="alice", password=PASSWORD)

    def test_bell_list_open_and_mark_read(self):
        page = self.client.get("/agent/").content.decode()
        assert 'id="bell-count">1<' in page
        assert 'id="bell-count">1<' in self.client.get("/agent/notifications/badge/").content.decode()
        listing = self.client.get("/agent/notifications/").content.decode()
        assert "Семён назначил(а) вам заявку" in listing
        notification = Notification.objects.get(recipient=self.alice)
        assert self.client.get(f"/agent/notifications/{notification.pk}/open/").status_code == 405
        response = self.client.post(f"/agent/notifications/{notification.pk}/open/")
        assert response.status_code == 302 and response["Location"] == f"/agent/tickets/{self.ticket.pk}/"
        notification.refresh_from_db()
        assert notification.read_at is not None
        assert "bell-count" not in self.client.get("/agent/notifications/badge/").content.decode()

    def test_mark_all_read_and_someone_elses_notification(self):
        services.ticket_assign(ticket=self.ticket, assignee=self.sam, by_user=self.alice)
        theirs = Notification.objects.get(recipient=self.sam)
        assert self.client.post(f"/agent/notifications/{theirs.pk}/open/").status_code == 404
        self.client.post("/agent/notifications/read/", {"id": [str(theirs.pk)]})
        theirs.refresh_from_db()
        assert theirs.read_at is None
        self.client.post("/agent/notifications/read/", {"all": "1"})
        assert not Notification.objects.filter(recipient=self.alice, read_at__isnull=True).exists()
        response = self.client.post("/agent/notifications/read/", {"id": ["x"]}, follow=True)
        assert "неверный номер уведомления" in response.content.decode()

    def test_settings_page_and_follow_button(self):
        page = self.client.get("/agent/notifications/settings/").content.decode()
        assert "Клиент отвечает в моей заявке" in page
        self.client.post("/agent/notifications/settings/", {"email_assigned": "on", "email_mention": "on"})
        settings = self.alice.notification_settings
        assert settings.email_assigned and settings.email_mention
        assert not settings.email_customer_reply and not settings.email_sla
        detail = self.client.get(f"/agent/tickets/{self.ticket.pk}/").content.decode()
        assert 'id="unfollow-button"' in detail  # the assignee follows
        self.client.post(f"/agent/tickets/{self.ticket.pk}/follow/", {"follow": "0"})
        assert not TicketFollower.objects.get(ticket=self.ticket, user=self.alice).active
        assert 'id="follow-button"' in self.client.get(f"/agent/tickets/{self.ticket.pk}/").content.decode()
        assert self.client.post("/agent/tickets/999999/follow/", {"follow": "1"}).status_code == 404

    def test_non_agents_get_no_bell(self):
        self.client.logout()
        self.client.login(username="bob", password=PASSWORD)
        assert self.client.get("/agent/notifications/").status_code == 403
        assert 'id="bell"' not in self.client.get("/").content.decode()
