"""Priority and SLA tiers with known timings (issue 17 item 1).

Saturday 2026-05-16 23:00 Novosibirsk; Monday 2026-05-18 is a working day (09:00–18:00).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings

from supportdesk.customers.models import Company, Customer
from supportdesk.customers.services import customer_for_email
from supportdesk.escalation.recompute import sla_recompute_open_tickets
from supportdesk.escalation.watcher import sla_watch
from supportdesk.policy import reload_policy
from supportdesk.policy.loader import DEFAULT_POLICY_FILE
from supportdesk.replies.acknowledgment import ack_context
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services
from supportdesk.tickets.clocks import reset_office_calendar
from supportdesk.tickets.models import Message, Ticket

SATURDAY_NIGHT = office_time(2026, 5, 16, 23, 0)
MONDAY_OPENING = office_time(2026, 5, 18, 9, 0)


def no_sync(_now: object) -> None:
    return None


@contextmanager
def policy_with(old: str, new: str) -> Iterator[None]:
    """The default policy with ``old`` replaced by ``new``, in force for the block."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "policy.toml"
        text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
        if old not in text:
            raise AssertionError(f"the default policy no longer has {old!r}")
        path.write_text(text.replace(old, new), encoding="utf-8")
        try:
            with override_settings(SUPPORTDESK_POLICY_FILE=str(path)):
                reload_policy()
                reset_office_calendar()
                yield
        finally:
            reload_policy()
            reset_office_calendar()


class SlaTierTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.premium = self.company_customer("ops@premium-tv.ru", tier="premium")

    def company_customer(self, address: str, *, tier: str) -> Customer:
        customer = customer_for_email(address=address, name="Дежурный инженер")
        customer.company = Company.objects.create(name=f"Телеканал {address}", contract_tier=tier)
        customer.save(update_fields=["company"])
        return customer

    def urgent_ticket(self, customer: Customer, at=SATURDAY_NIGHT) -> Ticket:
        return self.make_ticket(subject="Срыв эфира: чёрный экран", body="Пропал эфир на втором канале.",
                                at=at, customer=customer)

    def test_urgent_from_a_premium_company_runs_on_the_24_7_calendar(self) -> None:
        ticket = self.urgent_ticket(self.premium)
        self.assertEqual(ticket.priority, "urgent")
        self.assertEqual(ticket.sla_tier, "premium")
        self.assertEqual(ticket.reply_target_at, office_time(2026, 5, 17, 0, 0))
        self.assertEqual(ticket.reply_due_at, office_time(2026, 5, 17, 1, 0))

    def test_a_normal_ticket_from_the_same_company_waits_for_monday(self) -> None:
        ticket = self.make_ticket(subject="Вопрос о лицензии", body="Сколько мест в лицензии?",
                                  at=SATURDAY_NIGHT, customer=self.premium)
        self.assertEqual(ticket.priority, "normal")
        # The clock starts at Monday's opening: one business day (9 h) ends Monday 18:00.
        self.assertEqual(ticket.reply_target_at, office_time(2026, 5, 18, 18, 0))
        self.assertEqual(ticket.reply_due_at, office_time(2026, 5, 19, 18, 0))

    def test_urgent_without_a_contract_waits_for_monday_on_business_hours(self) -> None:
        ticket = self.urgent_ticket(self.company_customer("tv@plain.ru", tier=""))
        self.assertEqual((ticket.priority, ticket.sla_tier), ("urgent", ""))
        self.assertEqual(ticket.reply_target_at, office_time(2026, 5, 18, 10, 0))
        self.assertEqual(ticket.reply_due_at, office_time(2026, 5, 18, 11, 0))

    def test_changing_priority_recomputes_from_the_same_start(self) -> None:
        ticket = self.make_ticket(subject="Титры мерцают", body="Иногда мерцают.", at=SATURDAY_NIGHT,
                                  customer=self.premium)
        services.ticket_set_priority(ticket=ticket, priority="urgent", by_user=self.alice,
                                     at=office_time(2026, 5, 16, 23, 30))
        ticket.refresh_from_db()
        self.assertEqual(ticket.reply_due_at, office_time(2026, 5, 17, 1, 0))
        event = Message.objects.get(ticket=ticket, event="priority")
        self.assertEqual((event.event_data["from"], event.event_data["to"], event.author_user),
                         ("normal", "urgent", self.alice))
        services.ticket_set_priority(ticket=ticket, priority="normal", by_user=self.alice)
        ticket.refresh_from_db()
        self.assertEqual(ticket.reply_due_at, office_time(2026, 5, 19, 18, 0))

    def test_raising_priority_past_the_new_target_keeps_the_marks_lowering_clears_them(self) -> None:
        ticket = self.make_ticket(subject="Вопрос", body="Вопрос.", at=office_time(2026, 5, 18, 10, 0))
        services.ticket_set_priority(ticket=ticket, priority="urgent", by_user=self.sam,
                                     at=office_time(2026, 5, 18, 12, 30))
        ticket.refresh_from_db()
        self.assertEqual(ticket.reply_due_at, office_time(2026, 5, 18, 12, 0))
        result = sla_watch(office_time(2026, 5, 18, 12, 31), sync=no_sync)
        self.assertEqual(result.breached, [ticket.pk])
        services.ticket_set_priority(ticket=ticket, priority="normal", by_user=self.sam,
                                     at=office_time(2026, 5, 18, 12, 40))
        ticket.refresh_from_db()
        self.assertIsNone(ticket.reply_breached_at)
        self.assertIsNone(ticket.reply_warned_at)
        self.assertEqual(ticket.reply_due_at, office_time(2026, 5, 20, 10, 0))

    def test_an_unknown_priority_is_refused(self) -> None:
        ticket = self.make_ticket()
        with self.assertRaises(services.InvalidAction):
            services.ticket_set_priority(ticket=ticket, priority="critical", by_user=self.alice)

    def test_the_watcher_uses_the_tickets_policy(self) -> None:
        urgent = self.urgent_ticket(self.company_customer("x@plain.ru", tier=""), at=office_time(2026, 5, 18, 10, 0))
        normal = self.make_ticket(at=office_time(2026, 5, 18, 10, 0))
        result = sla_watch(office_time(2026, 5, 18, 11, 1), sync=no_sync)
        self.assertEqual(result.warned, [urgent.pk])
        self.assertNotIn(normal.pk, result.warned)
        result = sla_watch(office_time(2026, 5, 18, 12, 1), sync=no_sync)
        self.assertEqual(result.breached, [urgent.pk])

    def test_the_recompute_uses_each_tickets_policy(self) -> None:
        urgent = self.urgent_ticket(self.premium)
        normal = self.make_ticket(at=SATURDAY_NIGHT, customer=self.premium)
        wrong = office_time(2030, 1, 1, 0, 0)
        Ticket.objects.filter(pk__in=[urgent.pk, normal.pk]).update(reply_target_at=wrong, reply_due_at=wrong)
        self.assertEqual(sla_recompute_open_tickets(now=SATURDAY_NIGHT), 2)
        urgent.refresh_from_db()
        normal.refresh_from_db()
        self.assertEqual(urgent.reply_due_at, office_time(2026, 5, 17, 1, 0))
        self.assertEqual(normal.reply_due_at, office_time(2026, 5, 19, 18, 0))

    def test_the_acknowledgment_quotes_the_urgent_deadline_and_no_opening_hours(self) -> None:
        urgent = self.urgent_ticket(self.premium)
        context = ack_context(urgent, SATURDAY_NIGHT, "ru")
        self.assertTrue(context["urgent_sla"])
        self.assertIsNone(context["opens"])  # the 24/7 contract: nobody waits for Monday
        normal = self.make_ticket(at=SATURDAY_NIGHT, customer=self.premium)
        context = ack_context(normal, SATURDAY_NIGHT, "ru")
        self.assertFalse(context["urgent_sla"])
        self.assertIsNotNone(context["opens"])


class PriorityRuleTests(BaseTestCase):
    def test_words_raise_the_priority_of_a_new_ticket_only(self) -> None:
        ticket = self.make_ticket(subject="Титры", body="Срочно нужна помощь, не запускается плеер")
        self.assertEqual(ticket.priority, "high")
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Теперь срыв эфира!",
                                    author_customer=self.customer)
        ticket.refresh_from_db()
        self.assertEqual(ticket.priority, "high")  # later messages leave the agents' triage alone

    def test_a_stem_matches_its_endings_and_yo_reads_as_ye(self) -> None:
        ticket = self.make_ticket(subject="ЧЁРНЫЙ ЭКРАН В ЭФИРЕ", body="С утра.")
        self.assertEqual(ticket.priority, "urgent")

    def test_words_inside_other_words_do_not_match(self) -> None:
        ticket = self.make_ticket(subject="Настройки", body="Несрочно: вопрос о лицензии.")
        self.assertEqual(ticket.priority, "normal")

    def test_a_contract_tier_sets_a_floor(self) -> None:
        with policy_with("[priority.tiers]\n", '[priority.tiers]\npremium = "high"\n'):
            customer = customer_for_email(address="ops@premium-tv.ru")
            customer.company = Company.objects.create(name="Премиум ТВ", contract_tier="premium")
            customer.save(update_fields=["company"])
            ticket = self.make_ticket(subject="Вопрос", body="Вопрос о лицензии.", customer=customer)
            self.assertEqual((ticket.priority, ticket.sla_tier), ("high", "premium"))
            plain = self.make_ticket(subject="Вопрос", body="Вопрос о лицензии.")
            self.assertEqual(plain.priority, "normal")
