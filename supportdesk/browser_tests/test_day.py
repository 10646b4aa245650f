"""A working day without surprises (issue 13): one scenario through the real servers.

Customer mail lands in a real Dovecot and comes in through the IMAP polling path; every
mail SupportDesk sends goes through the outbox to a real SMTP server (aiosmtpd), signed
with a DKIM key made for the test; the agents work in Chromium; customers answer by mail
and through the portal. Only DNS is replaced: the DKIM check asks a function that knows our
key. The outcomes the issue lists are checked as the day shows them; they are collected
(``self.expect``) so that one run names every outcome that is still wrong, and the test
fails at the end if any is.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from supportdesk.browser_tests import day_mails as mails
from supportdesk.browser_tests.day_outbox import Sent, mail_problems, read, thread_problems
from supportdesk.browser_tests.test_workspace import BrowserCase
from supportdesk.catalog.models import Product, Release
from supportdesk.customers.models import CustomerEmail
from supportdesk.escalation.watcher import sla_watch
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.models import Mailbox
from supportdesk.mail.polling import poll_mailbox
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.outbox.tests.dkimkeys import dns_answer, make_dkim_key
from supportdesk.policy import get_policy, public_url
from supportdesk.replies import reminders
from supportdesk.test import PASSWORD
from supportdesk.testing.browser import click_to_load
from supportdesk.testing.servers import DovecotServer, SmtpSink, dovecot_available
from supportdesk.tickets.clocks import office_calendar
from supportdesk.tickets.models import Message, Status, Ticket

pytestmark = pytest.mark.skipif(not dovecot_available(), reason="dovecot missing or not root")

IMAP_USER, IMAP_PASSWORD, IMAP_PASSWORD_ENV = "forward", "imap-day-secret", "SUPPORTDESK_IMAP_DAY_PASSWORD"
DKIM_SELECTOR, DOMAIN = "sd2026", "softlab.tv"
NOVOSIBIRSK = ZoneInfo("Asia/Novosibirsk")


class WorkingDayTests(BrowserCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.imap = DovecotServer({IMAP_USER: IMAP_PASSWORD}).start()
        cls.smtp = SmtpSink().start()
        cls.keys = tempfile.TemporaryDirectory()
        cls.dkim_key, record = make_dkim_key(Path(cls.keys.name))
        cls.dns = staticmethod(dns_answer(DKIM_SELECTOR, DOMAIN, record))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.smtp.stop()
        cls.imap.stop()
        cls.keys.cleanup()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        os.environ[IMAP_PASSWORD_ENV] = IMAP_PASSWORD
        self.addCleanup(os.environ.pop, IMAP_PASSWORD_ENV, None)
        self.enterContext(override_settings(
            SMTP_HOST=self.smtp.host, SMTP_PORT=self.smtp.port, SMTP_TIMEOUT=5, DKIM_SELECTOR=DKIM_SELECTOR,
            DKIM_DOMAIN=DOMAIN, DKIM_PRIVATE_KEY_FILE=str(self.dkim_key), MAIL_AUTHSERV_IDS=[mails.OUR_MTA]))
        self.smtp.clear()
        # As `supportdesk run` does: embedded mode links to the address it serves (item 11).
        served = list(public_url._served)
        self.addCleanup(public_url._served.__setitem__, slice(None), served)
        public_url.serve_at(self.live_server_url)
        self.mailbox = Mailbox.objects.create(
            name="forward", kind=Mailbox.Kind.IMAP, address=mails.SUPPORT, host=self.imap.host,
            port=self.imap.port, use_ssl=False, username=IMAP_USER, password_env=IMAP_PASSWORD_ENV)
        self.release = Release.objects.create(
            product=Product.objects.get(key="forward-t"), version="5.3.2", planned_for=date(2026, 12, 18),
            notes="Исправлено зависание при воспроизведении роликов длиннее двух часов.")
        self.problems: list[str] = []
        self._step = "setup"
        self.requests: dict[str, str] = {}  # who -> the Message-ID of their first mail
        self.roots: dict[int, str] = {}  # ticket number -> the Message-ID that opened it
        self.chains: dict[str, list[str]] = {}  # our Message-ID -> the conversation it answers
        self.read_upto = 0

    # -- plumbing ------------------------------------------------------------------------------
    def expect(self, ok: object, problem: str) -> None:
        """An outcome of the issue: collected, so one run lists everything still wrong."""
        if not ok:
            self.problems.append(f"{self._step}: {problem}")

    def step(self, name: str) -> None:
        self._step = name

    def deliver(self, *raws: bytes) -> dict[str, int]:
        """Put customer mail into Dovecot and run one pass of the IMAP intake."""
        for raw in raws:
            self.imap.append(IMAP_USER, IMAP_PASSWORD, raw)
        return poll_mailbox(Mailbox.objects.get(pk=self.mailbox.pk)).as_dict()

    def sent(self, *, days_later: bool = False) -> list[Sent]:
        """Run the outbox worker once; the mail the SMTP server accepted since the last call.

        The sink records a message before it answers DATA, so when the flush returns every
        mail it sent is in ``self.smtp.messages``. ``days_later``: the jobs ran with a clock
        days ahead, so their mail is due then; the worker runs "then" too."""
        if days_later:
            OutgoingMail.objects.filter(state=OutgoingMail.State.PENDING).update(next_attempt_at=timezone.now())
        result = outbox_flush()
        assert result.failed == 0 and result.retried == 0, result
        received = self.smtp.messages
        new, self.read_upto = read(received[self.read_upto:]), len(received)
        for sent in new:  # the conversation as it stands now, for the threading check at the end
            self.chains[sent.message_id] = conversation_up_to(sent.in_reply_to)
        return new

    def ticket_of(self, who: str) -> Ticket:
        ticket = Message.objects.select_related("ticket").get(message_id=self.requests[who].strip("<>")).ticket
        self.roots.setdefault(ticket.pk, self.requests[who].strip("<>"))  # the first look is before any merge
        return ticket

    def to(self, sent: list[Sent], address: str) -> Sent:
        [found] = [s for s in sent if s.to == address]
        return found

    def open_ticket(self, ticket: Ticket) -> None:
        response = self.page.goto(f"{self.live_server_url}/agent/tickets/{ticket.pk}/")
        assert response is not None and response.status == 200, \
            f"the page of ticket #{ticket.pk} answered {response.status if response else None}"
        self.page.wait_for_selector("#conversation")

    def flash(self) -> str:
        self.page.wait_for_selector(".messages li")
        return self.page.locator(".messages").inner_text()

    def expect_russian_ticket_page(self, item: str) -> None:
        """No English words of ours in the checklist evidence and the events of a Russian page."""
        texts = {"checklist": self.page.locator("#checklist").inner_text(),
                 "events": " ".join(self.page.locator("#conversation .event").all_inner_texts())}
        for where, text in texts.items():
            english = re.findall(r"\b(?:attachment|phone call|description|steps|settings|version|mail to|bounced)\b"
                                 r"\s*[:✔✘]?", text)
            self.expect(not english, f"{item}: English in the {where} of a Russian page: {english}")

    def ask(self, text: str) -> None:
        """Ask the customer for information (the box is folded when the checklist is complete)."""
        if not self.page.locator("#ask-text").is_visible():
            self.page.click("#ask-box summary")
        self.page.fill("#ask-text", text)
        self.page.click("#send-ask")
        self.flash()

    def confirm(self, page: Any, problem: str, *, reason: str = "") -> str:
        """The confirmation step of a dangerous action: read the question, give the reason,
        confirm. Without one, ``problem`` is recorded (the action has happened already)."""
        try:
            page.wait_for_selector("#confirm-form", timeout=5_000)
        except PlaywrightTimeout:
            self.expect(False, problem)
            return ""
        question = page.locator("#confirm-question").inner_text()
        if reason:
            page.fill("#confirm-reason", reason)
        # The checks after it read the database: the page the answer loads must be there. (A
        # wait_for_load_state here returned at once: the confirmation page had loaded.)
        click_to_load(page, "#confirm-yes")
        return str(question)

    def close_unanswered(self, ticket: Ticket, reason: str) -> None:
        self.open_ticket(ticket)
        self.page.click("#close")
        self.confirm(self.page, "item 1: closing an unanswered ticket asks for no confirmation and reason",
                     reason=reason)
        ticket.refresh_from_db()
        assert ticket.status == Status.CLOSED

    # -- the day ---------------------------------------------------------------------------------
    def test_a_working_day(self) -> None:
        self.morning_mail_and_acknowledgments()
        self.bounce_flags_the_ticket()
        self.login()
        self.agent_replies_asks_and_waits_for_a_release()
        self.customers_answer_by_mail()
        self.agent_logs_a_call_and_replies_on_a_phone_ticket()
        self.agent_merges_a_duplicate()
        self.agent_closes_without_a_reply_and_the_customer_writes_again()
        self.queue_shows_solved_and_closed_tickets()
        self.an_agent_answers_an_sla_alert_by_mail()
        self.supervisor_publishes_the_release()
        self.customer_uses_the_portal()
        self.reply_sent_after_a_retry_is_dated_at_sending()
        self.reminder_and_auto_close()
        self.agent_solves_and_the_queue_finds_it()
        self.every_mail_threads_is_dated_and_signed()
        assert not self.problems, "issue 13 outcomes not met:\n" + "\n".join(self.problems)

    def morning_mail_and_acknowledgments(self) -> None:
        self.step("morning")
        self.requests = {
            "sidorov": mails.mid("req", "tvmsk.ru"), "kuznetsov": mails.mid("req", "ntv-nsk.ru"),
            "olga": mails.mid("req", "stv-tomsk.ru"), "kanal5": mails.mid("req", "kanal5.ru"),
            "smirnov": mails.mid("req", "nosuch-tv.ru"), "john": mails.mid("req", "tvlink.example")}
        outcome = self.deliver(
            mails.sidorov_request(self.requests["sidorov"]), mails.kuznetsov_request(self.requests["kuznetsov"]),
            mails.olga_request_html(self.requests["olga"]),
            mails.kanal5_request_with_attachments(self.requests["kanal5"]),
            mails.smirnov_request(self.requests["smirnov"]), mails.john_request(self.requests["john"]))
        assert outcome[Outcome.TICKETED] == 6, outcome
        acks = self.sent()
        assert len(acks) == 6, [a.to for a in acks]
        by_address = {a.to: a for a in acks}
        people = {"sidorov": mails.SIDOROV, "kuznetsov": mails.KUZNETSOV, "olga": mails.OLGA,
                  "kanal5": mails.KANAL5, "smirnov": mails.TYPO, "john": mails.JOHN}
        self.acks = {who: by_address[person.address] for who, person in people.items()}
        for who, ack in self.acks.items():
            ticket = self.ticket_of(who)
            assert ack.number == ticket.pk and ack.in_reply_to == self.requests[who].strip("<>"), ack.subject
            assert ack.kind == "ack" and ack.msg["Auto-Submitted"] == "auto-replied"
        kuznetsov = self.acks["kuznetsov"].text
        assert "Пошаговое описание" in kuznetsov and "Описание проблемы" not in kuznetsov
        assert "Пошаговое описание" not in self.acks["sidorov"].text  # a complete request asks nothing
        assert self.acks["john"].msg["Content-Language"] == "en" and "registered" in self.acks["john"].text
        olga = self.ticket_of("olga")
        assert "зависает при воспроизведении" in olga.messages.get(kind=Message.Kind.INCOMING).body_text
        kanal5 = self.ticket_of("kanal5")
        files = sorted(kanal5.messages.get(kind=Message.Kind.INCOMING).attachments.values_list("filename", flat=True))
        assert files == ["forward.log", "screen.png"], files
        evidence = " ".join(str(e.get("evidence", "")) for e in kanal5.checklist.values())
        self.expect("attachment:" not in evidence and "phone call" not in evidence,
                    f"item 15: checklist evidence in English: {evidence!r}")

    def bounce_flags_the_ticket(self) -> None:
        self.step("bounce")
        ack = self.acks["smirnov"]
        outcome = self.deliver(mails.bounce_of(our_message_id=f"<{ack.message_id}>", recipient=mails.TYPO.address,
                                               subject=ack.subject))
        assert outcome[Outcome.ROBOT] == 1, outcome
        ticket = self.ticket_of("smirnov")
        assert ticket.unreachable_by_email
        assert CustomerEmail.objects.get(address=mails.TYPO.address).bounced_at is not None
        assert self.sent() == []  # a bounce is never answered

    def agent_replies_asks_and_waits_for_a_release(self) -> None:
        self.step("agent")
        page = self.page
        self.open_ticket(self.ticket_of("sidorov"))
        page.fill("#reply-text", "Здравствуйте, Пётр! Обновите драйвер платы SL Video до версии 4.2 и "
                                 "перезапустите FDOnAir.")
        page.click("#send-reply")
        assert "Ответ отправлен" in self.flash()
        self.open_ticket(self.ticket_of("kuznetsov"))
        self.ask("Пришлите, пожалуйста, пошаговое описание и файл настроек FDConfig2.")
        expect(page.locator("#ticket-status")).to_have_text("ждёт клиента")
        self.open_ticket(self.ticket_of("john"))
        self.ask("Please send the FDOnAir log of the night it stopped.")
        # Nobody has answered Olga yet: waiting for the release must tell her which and when.
        self.open_ticket(self.ticket_of("olga"))
        page.select_option("#wait-release-form select[name=release]", str(self.release.pk))
        page.click("#wait-release-form button[type=submit]")
        self.flash()
        assert Ticket.objects.get(pk=self.ticket_of("olga").pk).status == Status.WAITING_RELEASE
        self.open_ticket(self.ticket_of("smirnov"))
        banner = page.locator("#unreachable").inner_text()
        self.expect("bounced" not in banner and "mail to" not in banner,
                    f"item 15: the bounce banner is English: {banner!r}")
        sent = self.sent()
        self.reply_sidorov = self.to(sent, mails.SIDOROV.address)
        self.ask_kuznetsov = self.to(sent, mails.KUZNETSOV.address)
        assert "драйвер платы SL Video до версии 4.2" in self.reply_sidorov.text
        olga = [s for s in sent if s.to == mails.OLGA.address]
        self.expect(olga, "item 3: waiting for a release on an unanswered ticket tells the customer nothing")
        if olga:
            text = olga[0].text
            self.expect("5.3.2" in text and "18 декабря" in text,
                        f"item 3: the mail does not name the release and its date: {text[:300]!r}")

    def customers_answer_by_mail(self) -> None:
        self.step("customers answer")
        sidorov = self.ticket_of("sidorov")
        before = sidorov.messages.count()
        outcome = self.deliver(mails.sidorov_out_of_office(our_message_id=f"<{self.reply_sidorov.message_id}>",
                                                           subject=self.reply_sidorov.subject))
        assert outcome[Outcome.ROBOT] == 1, outcome
        sidorov.refresh_from_db()
        self.expect(sidorov.reply_due_at is None and sidorov.status == Status.OPEN,
                    "item 6: an out-of-office reply started a clock or changed the status")
        self.open_ticket(sidorov)
        events = " ".join(self.page.locator("#conversation .event").all_inner_texts())
        self.expect(sidorov.messages.count() > before and re.search(r"\b14(?: декабря|\.12\b)", events),
                    f"item 6: the out-of-office reply is not recorded as an event: {events[-300:]!r}")
        ask = self.ask_kuznetsov
        outcome = self.deliver(mails.kuznetsov_answer(subject=ask.subject, in_reply_to=f"<{ask.message_id}>",
                                                      references=" ".join(f"<{r}>" for r in [*ask.references,
                                                                                             ask.message_id])))
        assert outcome[Outcome.THREADED] == 1, outcome
        kuznetsov = self.ticket_of("kuznetsov")
        assert kuznetsov.status == Status.OPEN and kuznetsov.reply_due_at is not None
        self.open_ticket(kuznetsov)
        self.expect_russian_ticket_page("item 15")
        assert kuznetsov.checklist["steps"]["present"]
        self.requests["sidorov-again"] = mails.mid("again", "tvmsk.ru")
        outcome = self.deliver(mails.sidorov_again(self.requests["sidorov-again"]))
        assert outcome[Outcome.TICKETED] == 1, outcome
        self.acks["sidorov-again"] = self.to(self.sent(), mails.SIDOROV.address)

    def agent_logs_a_call_and_replies_on_a_phone_ticket(self) -> None:
        self.step("phone")
        page = self.page
        page.goto(f"{self.live_server_url}/agent/phone/calls/new/?number=%2B73832223344")
        page.fill("#id_name", "Сергей Волков")
        page.fill("#id_subject", "Не запускается Forward TT после обновления Windows")
        page.fill("#id_summary", "После обновления Windows 10 Forward TT 3.1 не запускается, окно ошибки "
                                 "«Не найдена плата».")
        page.click("#save-call")
        page.wait_for_selector("#conversation")
        self.phone_ticket = Ticket.objects.get(subject__startswith="Не запускается Forward TT")
        self.expect_russian_ticket_page("item 15")
        assert self.phone_ticket.channel == "phone" and not self.phone_ticket.contact_email
        typed = "Сергей, переустановите драйвер платы с сайта, ссылка ниже."
        page.fill("#reply-text", typed)
        click_to_load(page, "#send-reply")  # the page refusing it (or, wrongly, sending it)
        shown = page.locator("body").inner_text()
        self.expect("has no e-mail address" not in shown and "call the customer" not in shown,
                    "item 4: the phone-only reply error is English")
        self.expect(page.locator("#reply-text").input_value() == typed, "item 4: the typed reply is lost")
        self.shot("day-01-phone-reply-error")
        error = page.locator("#composer [role=alert], #composer .error")
        self.expect(error.count() and error.first.is_visible() and re.search("[а-я]{4}", error.first.inner_text()),
                    "item 4: no Russian error next to the reply box")
        # The agent adds the address the caller dictated, on the ticket page.
        contacts = page.locator("form:has(input[type=email])")
        self.expect(contacts.count() == 1, "item 4: no field to add the customer's e-mail on the ticket page")
        if contacts.count() != 1:
            return
        contacts.locator("input[type=email]").fill("volkov@tv-tomsk.ru")
        contacts.locator("button[type=submit]").click()
        self.flash()
        self.open_ticket(self.phone_ticket)
        page.fill("#reply-text", typed)
        page.click("#send-reply")
        self.expect("Ответ отправлен" in self.flash(), "item 4: no reply after the e-mail was added")
        sent = self.sent()
        self.expect([s.to for s in sent] == ["volkov@tv-tomsk.ru"], "item 4: the reply did not go to the new address")

    def agent_merges_a_duplicate(self) -> None:
        self.step("merge")
        page = self.page
        duplicate, target = self.ticket_of("sidorov-again"), self.ticket_of("sidorov")
        self.merged_number = duplicate.pk  # the number the acknowledgment gave the customer
        self.open_ticket(duplicate)
        page.fill("#merge-form input[name=target]", str(target.pk))
        page.click("#merge-form button[type=submit]")
        question = self.confirm(page, "item 7: merging asks for no confirmation")
        self.expect(str(target.pk) in question, f"item 7: the merge question does not name #{target.pk}")
        duplicate.refresh_from_db()
        assert duplicate.merged_into_id == target.pk

    def agent_closes_without_a_reply_and_the_customer_writes_again(self) -> None:
        self.step("close")
        page = self.page
        kanal5 = self.ticket_of("kanal5")
        self.open_ticket(kanal5)
        self.expect_russian_ticket_page("item 15")
        self.close_unanswered(kanal5, "Решено по телефону с дежурным инженером")
        self.open_ticket(kanal5)
        self.shot("day-02-closed-without-reply")
        self.expect(kanal5.status_changes.filter(to_status=Status.CLOSED, reason__contains="Решено по телефону")
                    .exists(), "item 1: the reason for closing is not recorded")
        reopen = page.locator("#reopen-closed, #reopen")
        self.expect(reopen.count() == 1, "item 1: a closed ticket offers no way to reopen it")
        ack = self.acks["kanal5"]
        outcome = self.deliver(mails.kanal5_after_close(subject=ack.subject, in_reply_to=f"<{ack.message_id}>"))
        assert outcome[Outcome.TICKETED] == 1, outcome
        follow_up = Ticket.objects.filter(follows_up=kanal5).first()
        assert follow_up is not None
        self.expect(follow_up.subject == "Пропадает ключ на SDI 2",
                    f"item 1: the follow-up's subject is {follow_up.subject!r}")
        carried = {k for k, v in follow_up.checklist.items() if v.get("present")}
        self.expect({"description", "version"} <= carried,
                    f"item 1: the follow-up lost the items the customer gave: {sorted(carried)}")
        new_ack = self.to(self.sent(), mails.KANAL5.address)
        self.expect(new_ack.subject.count("зарегистрировано") <= 1 and "Re:" not in new_ack.subject.split("]", 1)[1],
                    f"item 1: the follow-up acknowledgment's subject is {new_ack.subject!r}")
        self.requests["kanal5-again"] = new_ack.in_reply_to
        self.ticket_of("kanal5-again")  # its root, for the threading check
        if reopen.count() == 1:
            reason = page.locator("form:has(#reopen-closed, #reopen) textarea, form:has(#reopen-closed, #reopen) "
                                  "input[type=text]")
            if reason.count():
                reason.first.fill("Клиент написал снова")
            click_to_load(page, reopen)  # the closed page has no #confirm-form and a #conversation
            if page.locator("#confirm-form").count():
                self.confirm(page, "", reason="Клиент написал снова")
            page.wait_for_selector("#conversation")
            kanal5.refresh_from_db()
            self.expect(kanal5.status == Status.OPEN, "item 1: reopening a closed ticket did nothing")
            self.expect(kanal5.messages.filter(kind=Message.Kind.EVENT, created_at__gte=follow_up.created_at)
                        .exists(), "item 1: reopening is not logged")

    def queue_shows_solved_and_closed_tickets(self) -> None:
        self.step("queue")
        page = self.page
        # Nobody could reach Smirnov (his address bounces, no phone): the agent closes it, with a reason.
        closed = self.ticket_of("smirnov")
        self.close_unanswered(closed, "Адрес не существует, телефона нет")
        link = f"#queue #t{closed.pk}"
        for query in ("status=closed", f"q=%23{closed.pk}", f"q={closed.contact_email}"):
            page.goto(f"{self.live_server_url}/agent/?{query}")
            page.wait_for_selector("#queue")
            self.expect(page.locator(link).count() >= 1, f"item 2: the queue ({query}) misses closed #{closed.pk}")
        page.goto(f"{self.live_server_url}/agent/?q=%2B7+383+222-33-44&status=")
        page.wait_for_selector("#queue")
        self.expect(page.locator(f"#queue #t{self.phone_ticket.pk}").count() >= 1,
                    "item 2: search by phone misses the phone ticket")

    def an_agent_answers_an_sla_alert_by_mail(self) -> None:
        self.step("sla alert")
        kuznetsov = self.ticket_of("kuznetsov")
        assert kuznetsov.reply_due_at is not None
        watched = sla_watch(now=kuznetsov.reply_due_at + timedelta(minutes=1))
        assert kuznetsov.pk in watched.breached, watched
        alerts = [s for s in self.sent(days_later=True) if s.to == self.alice.email and str(kuznetsov.pk) in s.subject]
        assert alerts, "no alert about the waiting customer"
        alert = alerts[0]
        self.expect(str(alert.msg["Reply-To"] or mails.SUPPORT) != mails.SUPPORT,
                    "item 8: an alert's Reply-To is the support address")
        self.expect(alert.msg["Auto-Submitted"] == "auto-generated",
                    f"item 13: SLA alert Auto-Submitted: {alert.msg['Auto-Submitted']}")
        before = set(kuznetsov.messages.filter(kind=Message.Kind.INCOMING).values_list("pk", flat=True))
        self.deliver(mails.agent_answers_alert(agent=self.alice.email, alert_message_id=f"<{alert.message_id}>",
                                               subject=alert.subject))
        leaked = kuznetsov.messages.filter(kind=Message.Kind.INCOMING).exclude(pk__in=before)
        self.expect(not leaked.exists(), "item 8: the agent's answer to an alert became a customer message")
        # Our question, this reply and one more: the third quotes each earlier message once.
        for text in ("Иван, ключ HASP нужно переустановить: драйвер по ссылке на сайте.",
                     "Иван, и ещё: после переустановки перезагрузите компьютер."):
            self.open_ticket(kuznetsov)
            self.page.fill("#reply-text", text)
            self.page.click("#send-reply")
            self.flash()
            reply = self.to(self.sent(), mails.KUZNETSOV.address)
            self.expect("Беру в работу" not in reply.text, "item 8: the alert answer is quoted to the customer")
        for phrase in ('пишет "Нет лицензии"', "Пришлите, пожалуйста, пошаговое", "вставляем ключ HASP",
                       "нужно переустановить"):
            self.expect(reply.text.count(phrase) <= 1,
                        f"item 9: the third reply quotes {phrase!r} {reply.text.count(phrase)} times")

    def supervisor_publishes_the_release(self) -> None:
        self.step("release")
        context = self.browser.new_context(viewport={"width": 1360, "height": 900}, locale="ru-RU")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", "sam")
        page.fill("#id_password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#queue")
        page.goto(self.live_server_url + "/releases/")
        page.locator("#releases form button[type=submit]").click()
        question = self.confirm(page, "item 7: publishing a release asks for no confirmation")
        self.expect(re.search(r"\b1\b", question) and "клиент" in question,
                    f"item 7: the publish question does not say it mails 1 customer: {question!r}")
        self.release.refresh_from_db()
        assert self.release.status == Release.Status.PUBLISHED
        olga = self.ticket_of("olga")
        assert olga.status == Status.OPEN
        news = self.to(self.sent(), mails.OLGA.address)
        self.expect(news.msg["Auto-Submitted"] == "auto-generated",
                    f"item 13: release mail Auto-Submitted: {news.msg['Auto-Submitted']}")
        self.expect(bool(news.html), "item 13: the release mail has no HTML part")
        self.expect("Ольга" in news.text.split("\n\n", 1)[0], "item 13: the release mail does not greet by name")
        self.expect(self.requests["olga"].strip("<>") in news.references,
                    "item 10: the release mail does not reference the customer's first message")

    def customer_uses_the_portal(self) -> None:
        self.step("portal")
        context = self.browser.new_context(viewport={"width": 1100, "height": 900}, locale="ru-RU",
                                           timezone_id="Asia/Yekaterinburg")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(self.live_server_url + "/")
        state = page.locator("#open-state").inner_text()
        self.expect(not re.search(r"\b(Asia|Europe)/", state), f"item 16: a raw zone id on the contacts page: "
                                                               f"{state!r}")
        weekdays = re.findall(r"\b([Пп]онедельник|[Вв]торник|[Сс]реда|[Чч]етверг|[Пп]ятница|[Сс]уббота|"
                              r"[Вв]оскресенье)", state)
        self.expect(len({w[0].isupper() for w in weekdays}) <= 1, f"item 16: mixed capitals: {weekdays}")
        response = page.goto(self.live_server_url + "/portal/ticket/999999/")
        assert response is not None and response.status == 404
        body = page.locator("body").inner_text()
        self.expect(re.search("[а-я]{4}", body) and page.locator("a[href$='/portal/lookup/']").count(),
                    f"item 15: the portal 404 is not a Russian page with a way back: {body[:200]!r}")
        # The customer looks up the merged ticket by the number the acknowledgment gave him.
        target = self.ticket_of("sidorov")
        assert Ticket.objects.get(pk=self.merged_number).merged_into_id == target.pk
        page.goto(self.live_server_url + "/portal/lookup/")
        page.fill("#lookup-form input[name=number]", str(self.merged_number))
        page.fill("#lookup-form input[name=email]", mails.SIDOROV.address)
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("#lookup-sent")
        links = self.sent()
        self.expect(links, "item 5: the look-up of a merged ticket's number sends no link")
        if not links:
            return
        link_mail = links[0]
        self.expect(link_mail.number == target.pk, f"item 5: the link is for #{link_mail.number}, not #{target.pk}")
        self.expect(link_mail.msg["Auto-Submitted"] == "auto-generated",
                    f"item 13: portal-link mail Auto-Submitted: {link_mail.msg['Auto-Submitted']}")
        url = re.search(r"https?://\S+/portal/access/\S+/", link_mail.text)
        assert url, link_mail.text
        self.expect(url.group(0).startswith(self.live_server_url + "/"),
                    f"item 11: the link points to {url.group(0)[:40]}, not to the served {self.live_server_url}")
        page.goto(self.live_server_url + urlparse(url.group(0)).path)
        page.click("#access-form button[type=submit]")
        page.wait_for_selector("#add-form")
        assert f"[#{target.pk}]" in page.locator("h1").inner_text()
        first = target.messages.filter(kind=Message.Kind.INCOMING).order_by("created_at").first()
        assert first is not None
        office = timezone.localtime(first.created_at, NOVOSIBIRSK).strftime("%d.%m.%Y %H:%M")
        times = page.locator("#conversation").inner_text()
        self.expect(office in times and re.search(r"Новосибирск|UTC\s*\+\s*0?7|по времени", times),
                    f"item 14: portal times are not office time with a zone: {times[:200]!r}")
        page.fill("#add-text", "Драйвер обновили до 4.2, титры на SDI 2 появились. Спасибо!")
        page.click("#add-form button[type=submit]")
        # The page being left has a #conversation too: wait for the text in the new one.
        expect(page.locator("#conversation")).to_contain_text("титры на SDI 2 появились")
        assert target.messages.filter(body_text__contains="титры на SDI 2 появились").exists()
        page.goto(self.live_server_url + "/portal/downloads/")
        released = page.locator(".download", has_text="Forward T 5.3.2").inner_text()
        assert self.release.published_at is not None
        office_day = timezone.localtime(self.release.published_at, NOVOSIBIRSK).strftime("%d.%m.%Y")
        self.expect(office_day in released, f"item 14: downloads show the UTC date, not the office date "
                                            f"{office_day}: {released[:80]!r}")

    def reply_sent_after_a_retry_is_dated_at_sending(self) -> None:
        self.step("retry")
        self.open_ticket(self.ticket_of("sidorov"))
        self.page.fill("#reply-text", "Рады, что всё работает! Закрываем обращение, пишите, если что.")
        self.page.click("#send-reply")
        self.flash()
        self.smtp.tempfail(1)
        assert outbox_flush().retried == 1
        time.sleep(2.2)
        OutgoingMail.objects.filter(state=OutgoingMail.State.PENDING).update(next_attempt_at=timezone.now())
        second_attempt = time.time()
        reply = self.to(self.sent(), mails.SIDOROV.address)
        self.expect(reply.date.timestamp() >= int(second_attempt),
                    f"item 12: Date {reply.msg['Date']} was set when the mail was queued, not when it was sent")
        for phrase in ("перестал выводить титры", "Обновите драйвер платы SL Video"):
            self.expect(reply.text.count(phrase) <= 1,
                        f"item 9: the third reply quotes {phrase!r} {reply.text.count(phrase)} times")

    def reminder_and_auto_close(self) -> None:
        self.step("reminder")
        john = self.ticket_of("john")
        assert john.status == Status.WAITING_CUSTOMER
        # The policy's periods on the office calendar (holidays included), plus a minute.
        automation, day = get_policy().automation, get_policy().sla.business_day_hours * 3600
        since = reminders.waiting_since(john)
        assert since is not None
        remind_at, close_at = (office_calendar().add_business_seconds(since, days * day) + timedelta(minutes=1)
                               for days in (automation.reminder_after_business_days,
                                            automation.auto_close_after_business_days))
        assert reminders.reminders_run(now=remind_at).reminded == 1
        reminder = self.to(self.sent(days_later=True), mails.JOHN.address)
        assert reminders.reminders_run(now=close_at).closed == 1
        closing = self.to(self.sent(days_later=True), mails.JOHN.address)
        for sent in (reminder, closing):
            self.expect("<p" in sent.html and "<a " in sent.html and "pre-wrap" not in sent.html,
                        f"item 13: {sent.kind} HTML is plain text in a pre-wrap block")

    def agent_solves_and_the_queue_finds_it(self) -> None:
        self.step("solve")
        # Sidorov's ticket had public replies: solving it asks for no reason.
        sidorov = self.ticket_of("sidorov")
        self.open_ticket(sidorov)
        self.page.click("#solve")
        expect(self.page.locator("#ticket-status")).to_have_text("решено")  # the page being left has #conversation
        assert Ticket.objects.get(pk=sidorov.pk).status == Status.SOLVED
        self.page.goto(f"{self.live_server_url}/agent/?status=solved")
        self.page.wait_for_selector("#queue")
        self.expect(self.page.locator(f"#queue #t{sidorov.pk}").count() == 1,
                    f"item 2: the queue (status=solved) misses solved #{sidorov.pk}")
        self.sent()  # whatever solving mails is checked with the rest

    def every_mail_threads_is_dated_and_signed(self) -> None:
        self.step("all mail")
        everything = read(self.smtp.messages)
        assert len(everything) >= 20, len(everything)
        self.problems += [f"{self._step}: item 11-13: {p}" for p in mail_problems(
            everything, dns=self.dns, domain=DOMAIN, base_url=self.live_server_url)]
        customer_mail = [s for s in everything if s.to != self.alice.email and s.to != self.sam.email]
        self.problems += [f"{self._step}: item 10: {p}" for p in thread_problems(
            customer_mail, first_request=self.roots, chain=self.chains)]


def conversation_up_to(message_id: str) -> list[str]:
    """The Message-IDs of a ticket's conversation up to and including ``message_id``."""
    parent = Message.objects.filter(message_id=message_id).first() if message_id else None
    if parent is None:
        return []
    return list(Message.objects.filter(ticket_id=parent.ticket_id, created_at__lte=parent.created_at,
                                       kind__in=(Message.Kind.INCOMING, Message.Kind.OUTGOING))
                .exclude(message_id="").order_by("created_at", "id").values_list("message_id", flat=True))
