"""Teams (issue 17 item 7): routing at intake and by hand, and what each role sees."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from supportdesk.accounts import services as team_services
from supportdesk.accounts.models import Team, TeamRule
from supportdesk.accounts.roles import ensure_groups
from supportdesk.audit.models import AuditEntry
from supportdesk.customers.models import Company
from supportdesk.customers.services import customer_for_email
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.search.selectors import agent_search
from supportdesk.test import PASSWORD, BaseTestCase, office_time
from supportdesk.tickets import selectors, services, services_merge
from supportdesk.tickets.models import Message, Status, Ticket
from supportdesk.tickets.selectors import QueueFilters


class TeamsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        agents, _ = ensure_groups()
        self.boris = get_user_model().objects.create_user("boris", "boris@softlab.tv", PASSWORD)
        self.boris.groups.add(agents)
        self.nina = get_user_model().objects.create_user("nina", "nina@softlab.tv", PASSWORD)  # in no team
        self.nina.groups.add(agents)
        self.broadcast = team_services.team_save(by_user=self.sam, name="Вещание")
        self.boards = team_services.team_save(by_user=self.sam, name="Платы")
        team_services.team_set_members(by_user=self.sam, team=self.broadcast, members=[self.alice])
        team_services.team_set_members(by_user=self.sam, team=self.boards, members=[self.boris])

    def rule(self, team: Team, kind: str, value: str) -> TeamRule:
        return team_services.team_rule_add(by_user=self.sam, team=team, kind=kind, value=value)

    def ingest(self, **mail: str) -> Ticket:
        ingest_raw(make_mail(**mail), source="lmtp", source_uid=mail.get("message_id", "x"))
        return Ticket.objects.get(pk=InboundMail.objects.order_by("-id").first().ticket_id)


class RoutingTests(TeamsTestCase):
    def test_a_mailbox_address_routes_at_intake(self) -> None:
        self.rule(self.boards, "mailbox", "Hardware@SoftLab.tv")
        ticket = self.ingest(message_id="hw@x", to="Отдел плат <hardware@softlab.tv>", subject="Плата не видна")
        self.assertEqual(ticket.team, self.boards)
        event = Message.objects.get(ticket=ticket, event="team")
        self.assertEqual(event.event_data, {"team": "Платы", "rule": True})

    def test_the_product_routes_once_detected_and_the_first_rule_wins(self) -> None:
        self.rule(self.broadcast, "product", "fdonair")
        self.rule(self.boards, "brand", "softlab-nsk")  # FDOnAir is a SoftLab-NSK product too: later rule
        ticket = self.ingest(message_id="fd@x", subject="FDOnAir 5.2 зависает",
                             body="После обновления FDOnAir 5.2 зависает при смене плейлиста.")
        self.assertEqual(ticket.product.key, "fdonair")
        self.assertEqual(ticket.team, self.broadcast)

    def test_a_brand_routes_when_no_product_rule_matches(self) -> None:
        self.rule(self.boards, "brand", "softlab-mm")
        ticket = self.ingest(message_id="sl@x", subject="SL Video FD422 не видит сигнал",
                             body="Плата FD422 (SL Video) не видит входной сигнал.")
        self.assertEqual(ticket.team, self.boards)

    def test_a_company_routes(self) -> None:
        self.rule(self.broadcast, "company", "  Первый   Канал ")
        customer = customer_for_email(address="ops@1tv.ru")
        customer.company = Company.objects.create(name="ПЕРВЫЙ КАНАЛ")
        customer.save(update_fields=["company"])
        ticket = self.make_ticket(customer=customer)
        self.assertEqual(ticket.team, self.broadcast)

    def test_no_rule_leaves_the_ticket_unrouted(self) -> None:
        self.rule(self.boards, "mailbox", "hardware@softlab.tv")
        self.assertIsNone(self.make_ticket().team)

    def test_routing_by_hand_unassigns_an_agent_outside_the_new_team(self) -> None:
        ticket = self.make_ticket()
        services.ticket_set_team(ticket=ticket, team=self.broadcast, by_user=self.sam)
        services.ticket_assign(ticket=ticket, assignee=self.alice, by_user=self.alice)
        services.ticket_set_team(ticket=ticket, team=self.boards, by_user=self.alice)  # L1 hands it on
        ticket.refresh_from_db()
        self.assertEqual((ticket.team, ticket.assignee), (self.boards, None))
        with self.assertRaises(PermissionDenied):  # it has left her queue
            services.ticket_set_team(ticket=ticket, team=self.broadcast, by_user=self.alice)

    def test_an_assignee_must_see_the_ticket(self) -> None:
        ticket = self.make_ticket()
        services.ticket_set_team(ticket=ticket, team=self.boards, by_user=self.sam)
        with self.assertRaises(services.InvalidAction):
            services.ticket_assign(ticket=ticket, assignee=self.alice, by_user=self.sam)
        services.ticket_assign(ticket=ticket, assignee=self.sam, by_user=self.sam)  # a supervisor sees all

    def test_the_ticket_page_routes_and_leaves_when_handed_away(self) -> None:
        ticket = self.make_ticket()
        self.client.force_login(self.alice)
        response = self.client.post(reverse("tickets:team_route", args=[ticket.pk]), {"team": self.boards.pk})
        self.assertRedirects(response, reverse("tickets:queue"), fetch_redirect_response=False)
        ticket.refresh_from_db()
        self.assertEqual(ticket.team, self.boards)
        self.assertEqual(self.client.get(reverse("tickets:detail", args=[ticket.pk])).status_code, 404)


class VisibilityTests(TeamsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mine = self.make_ticket(subject="Титры мерцают в эфире")
        self.theirs = self.make_ticket(subject="Титры на плате не выводятся")
        self.unrouted = self.make_ticket(subject="Титры и лицензия")
        services.ticket_set_team(ticket=self.mine, team=self.broadcast, by_user=None)
        services.ticket_set_team(ticket=self.theirs, team=self.boards, by_user=None)

    def queue_ids(self, user, **filters) -> set[int]:
        page = selectors.queue_page(user=user, filters=QueueFilters(**filters))
        return {t.pk for t in page.tickets}

    def test_each_role_sees_its_share_of_the_queue(self) -> None:
        self.assertEqual(self.queue_ids(self.alice), {self.mine.pk, self.unrouted.pk})
        self.assertEqual(self.queue_ids(self.boris), {self.theirs.pk, self.unrouted.pk})
        self.assertEqual(self.queue_ids(self.nina), {self.unrouted.pk})  # no team: the triage queue
        self.assertEqual(self.queue_ids(self.sam), {self.mine.pk, self.theirs.pk, self.unrouted.pk})
        self.assertEqual(selectors.queue_counts(user=self.alice)["open"], 2)
        self.assertEqual(self.queue_ids(self.sam, team=self.boards.pk), {self.theirs.pk})
        self.assertEqual(self.queue_ids(self.sam, team=0), {self.unrouted.pk})

    def test_an_agents_teams_are_merged_in_due_order_page_by_page(self) -> None:
        # The agent's queue is walked per team and for the unrouted tickets, then merged: the
        # pages must still follow the reply limit across both, and cover every ticket once.
        base = office_time(2026, 3, 2, 10)
        made = [self.make_ticket(subject=f"t{i}", at=base + timedelta(minutes=7 * i % 11)) for i in range(8)]
        for ticket in made[::2]:
            services.ticket_set_team(ticket=ticket, team=self.broadcast, by_user=None)
        services.ticket_set_team(ticket=made[1], team=self.boards, by_user=None)  # not alice's
        services.ticket_set_status(ticket=made[3], status=Status.WAITING_CUSTOMER)  # no clock: last
        expected = [t.pk for t in sorted((Ticket.objects.get(pk=t.pk) for t in [*made, self.mine, self.unrouted]
                                          if t.pk != made[1].pk),
                                         key=lambda t: (t.reply_due_at is None, t.reply_due_at or base, t.pk))]
        seen, after = [], None
        while True:
            page = selectors.queue_page(user=self.alice, filters=QueueFilters(), after=after, size=3)
            seen += [t.pk for t in page.tickets]
            if page.next_cursor is None:
                break
            after = selectors.Cursor.decode(page.next_cursor.encode())
        self.assertEqual(seen, expected)
        self.assertEqual(selectors.queue_counts(user=self.alice)["open"], len(expected))

    def test_a_search_finds_only_visible_tickets(self) -> None:
        for user, expected in ((self.alice, {self.mine.pk, self.unrouted.pk}),
                               (self.boris, {self.theirs.pk, self.unrouted.pk}),
                               (self.sam, {self.mine.pk, self.theirs.pk, self.unrouted.pk})):
            found = {h.object_id for h in agent_search(user=user, query="титры", kind="ticket").hits}
            self.assertEqual(found, expected, user.username)
        # The queue's own search box (number, subject) is scoped as well.
        self.assertEqual(self.queue_ids(self.alice, q=f"#{self.theirs.pk}"), set())
        self.assertEqual(self.queue_ids(self.alice, q="плате"), set())

    def test_a_rerouted_ticket_moves_in_the_search_index(self) -> None:
        services.ticket_set_team(ticket=self.theirs, team=self.broadcast, by_user=self.sam)
        found = {h.object_id for h in agent_search(user=self.alice, query="плате", kind="ticket").hits}
        self.assertEqual(found, {self.theirs.pk})

    def test_the_customers_other_tickets_and_merge_stay_in_scope(self) -> None:
        others = {t.pk for t in selectors.customer_other_tickets(user=self.alice, ticket=self.mine)}
        self.assertEqual(others, {self.unrouted.pk})
        self.client.force_login(self.alice)
        self.client.post(reverse("tickets:merge", args=[self.mine.pk]), {"target": self.theirs.pk, "confirm": "1"})
        self.mine.refresh_from_db()
        self.assertIsNone(self.mine.merged_into_id)
        with self.assertRaises(PermissionDenied):
            services_merge.ticket_merge(source=self.mine, target=self.theirs, by_user=self.alice, confirmed=True)

    def test_services_refuse_another_teams_ticket(self) -> None:
        for call in (lambda: services.ticket_set_priority(ticket=self.theirs, priority="high", by_user=self.alice),
                     lambda: services.ticket_set_status(ticket=self.theirs, status="solved", by_user=self.alice,
                                                        confirmed=True, reason="x"),
                     lambda: services.ticket_assign(ticket=self.theirs, assignee=None, by_user=self.alice)):
            with self.assertRaises(PermissionDenied):
                call()

    def test_the_phone_popup_and_call_form_stay_in_scope(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(reverse("phone:call_new"), {
            "number": "+7 913 123-45-67", "direction": "in", "ticket": self.theirs.pk, "summary": "Звонок"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"Обращения №{self.theirs.pk} нет.")  # as for a missing one
        self.assertFalse(Message.objects.filter(ticket=self.theirs, kind=Message.Kind.CALL).exists())
        tickets = selectors.open_tickets_of_customer(user=self.alice, customer_id=self.customer.pk)
        self.assertEqual({t.pk for t in tickets}, {self.mine.pk, self.unrouted.pk})


class TeamManagementTests(TeamsTestCase):
    def test_only_supervisors_manage_teams(self) -> None:
        with self.assertRaises(PermissionDenied):
            team_services.team_save(by_user=self.alice, name="L1")
        with self.assertRaises(PermissionDenied):
            team_services.team_set_members(by_user=self.alice, team=self.broadcast, members=[self.alice, self.nina])

    def test_membership_changes_are_audited_and_members_must_be_agents(self) -> None:
        team_services.team_set_members(by_user=self.sam, team=self.broadcast, members=[self.alice, self.nina])
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.ROLE_CHANGE).order_by("-id").first()
        self.assertEqual(entry.details, {"team": "Вещание", "added": ["nina"], "removed": []})
        with self.assertRaises(team_services.TeamError):
            team_services.team_set_members(by_user=self.sam, team=self.broadcast, members=[self.bob])

    def test_names_and_rules_are_unique(self) -> None:
        with self.assertRaises(team_services.TeamError):
            team_services.team_save(by_user=self.sam, name="вещание")
        self.rule(self.boards, "mailbox", "hw@softlab.tv")
        with self.assertRaises(team_services.TeamError):
            self.rule(self.broadcast, "mailbox", "HW@softlab.tv")

    def test_the_pages_create_a_team_add_members_and_rules_with_field_errors(self) -> None:
        self.client.force_login(self.sam)
        response = self.client.post(reverse("tickets:team_create"), {"name": "L1", "description": "Первая линия"})
        team = Team.objects.get(name="L1")
        self.assertRedirects(response, reverse("tickets:team", args=[team.pk]), fetch_redirect_response=False)
        self.client.post(reverse("tickets:team_members", args=[team.pk]), {"members": [self.nina.pk]})
        self.assertEqual(list(team.members.all()), [self.nina])
        self.client.post(reverse("tickets:team_rule_add", args=[team.pk]), {"kind": "product", "value": "Forward TS"})
        self.assertEqual(list(team.rules.values_list("kind", "value")), [("product", "forward-ts")])
        response = self.client.post(reverse("tickets:team_rule_add", args=[team.pk]),
                                    {"kind": "product", "value": "Photoshop"}, follow=True)
        self.assertContains(response, "Photoshop")
        self.assertContains(response, "Значение")  # the field named in the error
        page = self.client.get(reverse("tickets:team", args=[team.pk]))
        self.assertContains(page, "nina")
        response = self.client.post(reverse("tickets:team_delete", args=[team.pk]))
        self.assertEqual(response.status_code, 200)  # the confirmation page first
        self.client.post(reverse("tickets:team_delete", args=[team.pk]), {"confirm": "1"})
        self.assertFalse(Team.objects.filter(pk=team.pk).exists())

    def test_deleting_a_team_unroutes_its_tickets(self) -> None:
        ticket = self.make_ticket()
        services.ticket_set_team(ticket=ticket, team=self.boards, by_user=None)
        team_services.team_delete(by_user=self.sam, team=self.boards)
        ticket.refresh_from_db()
        self.assertIsNone(ticket.team)
        self.assertIn(ticket.pk, {t.pk for t in selectors.queue_page(user=self.alice, filters=QueueFilters()).tickets})
