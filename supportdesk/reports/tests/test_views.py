"""The reports pages: who sees what, filters in the URL, exports read back, the monthly report."""

from __future__ import annotations

import csv
import io

from django.test import Client
from openpyxl import load_workbook

from supportdesk.accounts.models import Team
from supportdesk.escalation.recompute import sla_calendar_changed
from supportdesk.escalation.tests.db_helpers import edited_calendar
from supportdesk.reports.tests.scenario import build_scenario
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services
from supportdesk.tickets.models import ReplyFigure, Ticket

NOV = "from=2026-11-01&to=2026-11-30"


class ReportViewsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        build_scenario(self)
        self.supervisor = Client()
        self.supervisor.force_login(self.sam)
        self.agent = Client()
        self.agent.force_login(self.alice)

    def test_every_report_renders_in_russian_and_english(self) -> None:
        for kind in ("promise", "resolution", "load", "intake"):
            page = self.supervisor.get(f"/agent/reports/{kind}/?{NOV}")
            self.assertEqual(page.status_code, 200, kind)
            if kind in ("promise", "load"):
                self.assertContains(page, "<svg", msg_prefix=kind)
            self.assertContains(page, 'id="table-', msg_prefix=kind)
        page = self.supervisor.get(f"/agent/reports/promise/?{NOV}")
        self.assertContains(page, "Выполнение обещаний")
        self.assertContains(page, f'href="/agent/tickets/{self.b.pk}/"')  # the breach links to its ticket
        self.supervisor.cookies["django_language"] = "en"
        page = self.supervisor.get(f"/agent/reports/promise/?{NOV}")
        self.assertContains(page, "Promise kept")

    def test_filters_and_group_come_from_the_url(self) -> None:
        page = self.supervisor.get(f"/agent/reports/promise/?{NOV}&group=product&product={self.p2.pk}")
        self.assertContains(page, f'<option value="{self.p2.pk}" selected>')
        table = self._csv(f"/agent/reports/promise/export/promise.csv?{NOV}&group=product&product={self.p2.pk}")
        self.assertEqual([r[:3] for r in table[1:]], [[self.p2.name, "1", "0"], ["Итого", "1", "0"]])

    def test_a_form_error_names_the_field(self) -> None:
        page = self.supervisor.get("/agent/reports/promise/?from=2026-11-30&to=2026-11-01")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'id="error-to"')
        self.assertContains(page, "Конец периода раньше его начала.")
        for odd in ("from=abc", "group=nonsense", "product=999999999999999999999", "to=9999-99-99", "from=%00"):
            self.assertLess(self.supervisor.get(f"/agent/reports/load/?{odd}").status_code, 500, odd)
        self.assertEqual(self.supervisor.get("/agent/reports/nonsense/").status_code, 404)
        self.assertEqual(self.supervisor.get(f"/agent/reports/promise/export/nope.csv?{NOV}").status_code, 404)
        self.assertEqual(self.supervisor.get("/agent/reports/monthly/?month=2026-13").status_code, 200)

    def _csv(self, url: str, client: Client | None = None) -> list[list[str]]:
        response = (client or self.supervisor).get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_csv_and_xlsx_hold_the_table(self) -> None:
        rows = self._csv(f"/agent/reports/promise/export/promise.csv?{NOV}&group=agent")
        self.assertEqual(rows[1][:6], ["Алиса", "3", "2", "66.7", "3", "100.0"])
        response = self.supervisor.get(f"/agent/reports/resolution/export/resolution.xlsx?{NOV}&group=product")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(values[0][0], "Время решения без ожидания, рабочие часы")
        self.assertEqual(values[-1], ["Итого", 2, 18.75, 15, 22.5, 19, 9.5, 12, 6, 1])
        workbook = self.supervisor.get(f"/agent/reports/load/export/all.xlsx?{NOV}")
        self.assertEqual(load_workbook(io.BytesIO(workbook.content)).sheetnames, ["heatmap", "backlog", "incoming", "agents"])

    def test_team_breakdown_in_page_and_exports(self) -> None:
        team = Team.objects.create(name="Видео")
        services.ticket_set_team(ticket=self.b, team=team, by_user=self.sam)
        page = self.supervisor.get(f"/agent/reports/promise/?{NOV}&group=team")
        self.assertContains(page, '<option value="team" selected>')
        self.assertContains(page, f'<option value="{team.pk}">Видео</option>')  # the team filter
        rows = self._csv(f"/agent/reports/promise/export/promise.csv?{NOV}&group=team")
        self.assertEqual(rows[0][0], "команда")
        self.assertEqual([r[:6] for r in rows[1:]], [["Видео", "1", "0", "0.0", "0", "0.0"],
                                                     ["—", "3", "2", "66.7", "3", "100.0"],
                                                     ["Итого", "4", "2", "50.0", "3", "75.0"]])
        response = self.supervisor.get(f"/agent/reports/promise/export/promise.xlsx?{NOV}&group=team&team={team.pk}")
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
        self.assertEqual([v[:6] for v in values], [["Видео", 1, 0, 0, 0, 0], ["Итого", 1, 0, 0, 0, 0]])

    def test_an_agent_sees_only_their_own_figures(self) -> None:
        rows = self._csv(f"/agent/reports/promise/export/promise.csv?{NOV}&agent={self.sam.pk}", self.agent)
        self.assertEqual(rows[-1][:2], ["Итого", "3"])  # Alice's three answers, not Sam's one
        page = self.agent.get(f"/agent/reports/promise/?{NOV}")
        self.assertNotContains(page, 'name="agent"')
        self.assertContains(page, "Показаны только ваши показатели.")

    def test_only_agents_see_reports(self) -> None:
        anonymous = Client().get("/agent/reports/promise/")
        self.assertEqual(anonymous.status_code, 302)
        bob = Client()
        bob.force_login(self.bob)
        self.assertEqual(bob.get("/agent/reports/promise/").status_code, 403)
        self.assertEqual(bob.get(f"/agent/reports/promise/export/promise.csv?{NOV}").status_code, 403)
        self.assertEqual(self.supervisor.post("/agent/reports/promise/").status_code, 405)

    def test_monthly_report_is_printable(self) -> None:
        page = self.supervisor.get("/agent/reports/monthly/?month=2026-11")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Ежемесячный отчёт: Ноябрь 2026")
        for title in ("Выполнение обещаний", "Решение", "Нагрузка", "Качество обращений"):
            self.assertContains(page, title)
        self.assertContains(page, "reports/reports.css")
        self.assertNotContains(page, "export/")  # no export links on paper

    def test_csv_cells_cannot_start_a_formula(self) -> None:
        Ticket.objects.filter(pk=self.b.pk).update(subject="=HYPERLINK(\"http://evil\")")
        rows = self._csv(f"/agent/reports/promise/export/breaches.csv?{NOV}")
        self.assertTrue(rows[1][1].startswith("'="))


class RecomputeFiguresTests(BaseTestCase):
    def test_a_calendar_change_recomputes_the_stored_figures(self) -> None:
        build_scenario(self)
        # Thursday 5 November made a day off: A's first answer (Thursday 10:00) then counts 9 business
        # hours (1 on Monday, 8 on the shortened Tuesday), not 10; A's waiting drops by Thursday's 8 hours.
        with edited_calendar({"2026-11-05": "nonworking"}):
            sla_calendar_changed(now=office_time(2026, 12, 1, 12, 0))
            first = ReplyFigure.objects.get(ticket=self.a, is_first=True)
            self.assertEqual(first.business_seconds, 9 * 3600)
            self.a.refresh_from_db()
            self.assertEqual(self.a.resolution_business_seconds, 14 * 3600)  # 9 + 5
            self.assertEqual(self.a.waiting_customer_business_seconds, 11 * 3600)  # 9 (Fri) + 2 (Mon)
