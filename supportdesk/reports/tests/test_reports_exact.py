"""Every figure of every report over a scenario with known business timings (see scenario.py)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import translation

from supportdesk.accounts.models import Team
from supportdesk.reports.intake import intake_report
from supportdesk.reports.load import load_report
from supportdesk.reports.promise import promise_report
from supportdesk.reports.query import ReportQuery, query_from_params
from supportdesk.reports.resolution import resolution_report
from supportdesk.reports.tables import Link
from supportdesk.reports.tests.scenario import build_scenario
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services
from supportdesk.tickets.models import ReplyFigure

NOV = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}
H = 3600.0


def plain(rows):  # type: ignore[no-untyped-def]
    return [[c.text if isinstance(c, Link) else c for c in row] for row in rows]


class ReportsExactTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        build_scenario(self)
        self.P1, self.P2 = self.p1.name, self.p2.name

    def q(self, group: str, **filters: str) -> ReportQuery:
        return ReportQuery(group=group, filters=filters, **NOV)

    def test_reply_figures_stored_when_replies_are_sent(self) -> None:
        got = [(f.ticket_id, f.business_seconds, f.within_target, f.within_limit, f.is_first, f.agent_id)
               for f in ReplyFigure.objects.order_by("received_at")]
        self.assertEqual(got, [
            (self.a.pk, 10 * H, False, True, True, self.alice.pk),
            (self.c.pk, 0.25 * H, True, True, True, self.alice.pk),
            (self.b.pk, 21.5 * H, False, False, True, self.sam.pk),
            (self.a.pk, 4 * H, True, True, False, self.alice.pk),
        ])

    def test_promise_by_week(self) -> None:
        report = promise_report(self.q("week"))
        table = report.table("promise")
        assert table is not None
        self.assertEqual(plain(table.rows), [
            ["02.11.2026–08.11.2026", 3, 1, 33.3, 2, 66.7, 10.0, 21.5, 3, 10.0],
            ["09.11.2026–15.11.2026", 1, 1, 100.0, 1, 100.0, 4.0, 4.0, 0, None],
        ])
        self.assertEqual(table.total, ["Total", 4, 2, 50.0, 3, 75.0, 4.0, 21.5, 3, 10.0])

    def test_promise_by_product_brand_agent_channel(self) -> None:
        def rows(group: str):  # type: ignore[no-untyped-def]
            table = promise_report(self.q(group)).table("promise")
            assert table is not None
            return [r[:6] for r in plain(table.rows)]
        self.assertEqual(rows("product"), [[self.P1, 3, 2, 66.7, 3, 100.0], [self.P2, 1, 0, 0.0, 0, 0.0]])
        self.assertEqual(sorted(rows("brand")), sorted([[self.p1.brand.name, 3, 2, 66.7, 3, 100.0],
                                                        [self.p2.brand.name, 1, 0, 0.0, 0, 0.0]]))
        self.assertEqual(rows("agent"), [["Алиса", 3, 2, 66.7, 3, 100.0], ["Семён", 1, 0, 0.0, 0, 0.0]])
        self.assertEqual(rows("channel"), [["e-mail", 3, 2, 66.7, 3, 100.0], ["phone", 1, 0, 0.0, 0, 0.0]])
        self.assertEqual(rows("priority"), [["normal", 4, 2, 50.0, 3, 75.0]])
        self.assertEqual(rows("tier"), [["—", 4, 2, 50.0, 3, 75.0]])  # no company, no contract tier

    def route_to_teams(self) -> None:
        """A and C (forward-ts, Alice) to the first line, B (slvideo, Sam) to the video team."""
        first, video = Team.objects.create(name="Линия 1"), Team.objects.create(name="Видео")
        first.members.add(self.alice)
        for ticket, team in ((self.a, first), (self.c, first), (self.b, video)):
            services.ticket_set_team(ticket=ticket, team=team, by_user=self.sam)
        self.first_line, self.video = first, video

    def test_promise_by_team(self) -> None:
        self.route_to_teams()
        report = promise_report(self.q("team"))
        table = report.table("promise")
        assert table is not None
        self.assertEqual(plain(table.rows), [
            ["Видео", 1, 0, 0.0, 0, 0.0, 21.5, 21.5, 1, 21.5],
            ["Линия 1", 3, 2, 66.7, 3, 100.0, 4.0, 10.0, 2, 0.25],
        ])
        self.assertEqual(table.total, ["Total", 4, 2, 50.0, 3, 75.0, 4.0, 21.5, 3, 10.0])
        # Filtered to one team: only its figures, its breaches and its overdue messages.
        first = promise_report(self.q("week", team=str(self.first_line.pk)))
        table, breaches = first.table("promise"), first.table("breaches")
        assert table is not None and breaches is not None
        self.assertEqual(plain(table.rows), [
            ["02.11.2026–08.11.2026", 2, 1, 50.0, 2, 100.0, 0.25, 10.0, 2, 0.25],
            ["09.11.2026–15.11.2026", 1, 1, 100.0, 1, 100.0, 4.0, 4.0, 0, None],
        ])
        self.assertEqual([r[0].text for r in breaches.rows], [f"#{self.c.pk}"])  # C overdue; B's late reply is video's
        video = promise_report(self.q("week", team=str(self.video.pk))).table("breaches")
        assert video is not None
        self.assertEqual([r[0].text for r in video.rows], [f"#{self.b.pk}"])
        resolution = resolution_report(self.q("team")).table("resolution")
        assert resolution is not None
        self.assertEqual(plain(resolution.rows), [
            ["Видео", 1, 22.5, 22.5, 22.5, 0.0, 0.0, 12.0, 12.0, 0],
            ["Линия 1", 1, 15.0, 15.0, 15.0, 19.0, 19.0, 0.0, 0.0, 1],
        ])

    def test_distribution_and_histogram(self) -> None:
        report = promise_report(self.q("week"))
        spread, hist = report.table("percentiles"), report.table("histogram")
        assert spread is not None and hist is not None
        self.assertEqual(spread.rows, [
            ["first reply", 3, round((10 + 0.25 + 21.5) / 3, 2), 10.0, 21.5, 21.5, 21.5, 21.5],
            ["every reply", 4, round((10 + 0.25 + 21.5 + 4) / 4, 2), 4.0, 10.0, 21.5, 21.5, 21.5],
        ])
        self.assertEqual(hist.rows, [
            ["0–1 h", 1, 1], ["1–2 h", 0, 0], ["2–4 h", 0, 0], ["4–9 h", 0, 1], ["9–18 h", 1, 1],
            ["18–27 h", 1, 1], ["≥ 27 h", 0, 0]])

    def test_breaches_list_links(self) -> None:
        table = promise_report(self.q("week")).table("breaches")
        assert table is not None
        late, overdue = table.rows
        self.assertEqual(late[0], Link(f"#{self.b.pk}", f"/agent/tickets/{self.b.pk}/"))
        self.assertEqual(late[1:5], ["B", "06.11.2026 17:30", "11.11.2026 12:00", 21.5])
        self.assertEqual(overdue[0].text, f"#{self.c.pk}")  # type: ignore[union-attr]
        self.assertEqual(overdue[2:4], ["05.11.2026 09:30", "not yet"])

    def test_resolution(self) -> None:
        table = resolution_report(self.q("product")).table("resolution")
        assert table is not None
        self.assertEqual(plain(table.rows), [
            [self.P1, 1, 15.0, 15.0, 15.0, 19.0, 19.0, 0.0, 0.0, 1],
            [self.P2, 1, 22.5, 22.5, 22.5, 0.0, 0.0, 12.0, 12.0, 0],
        ])
        self.assertEqual(table.total, ["Total", 2, 18.75, 15.0, 22.5, 19.0, 9.5, 12.0, 6.0, 1])
        reopened = resolution_report(self.q("week")).table("reopened")
        assert reopened is not None
        self.assertEqual(plain(reopened.rows), [[f"#{self.c.pk}", "C", "05.11.2026 09:30", "solved", "customer replied"]])

    def test_load(self) -> None:
        report = load_report(self.q("agent"))
        heat = report.table("heatmap")
        assert heat is not None
        cells = {(row[0], hour): n for row in heat.rows for hour, n in enumerate(row[1:]) if n}
        self.assertEqual(cells, {("Mon", 17): 1, ("Mon", 11): 1, ("Fri", 17): 1, ("Tue", 16): 1, ("Thu", 9): 1})
        backlog = report.table("backlog")
        assert backlog is not None
        by_day = {row[0]: row[1:] for row in backlog.rows}
        self.assertEqual(len(by_day), 30)
        expected = {"01.11.2026": [0, 0, 0], "02.11.2026": [1, 0, 0], "03.11.2026": [1, 0, 0], "04.11.2026": [1, 0, 0],
                    "05.11.2026": [1, 1, 0], "06.11.2026": [2, 1, 0], "08.11.2026": [2, 1, 0], "09.11.2026": [2, 0, 0],
                    "11.11.2026": [1, 0, 1], "12.11.2026": [1, 0, 0], "30.11.2026": [1, 0, 0]}
        self.assertEqual({d: by_day[d] for d in expected}, expected)
        agents = report.table("agents")
        assert agents is not None
        self.assertEqual(agents.rows, [["Алиса", 1, 0, 3, 2, 2, 1.5], ["Семён", 0, 0, 1, 1, 1, 0.75]])
        self.assertEqual(agents.total, ["Total", 1, 0, 4, 3, 3, 2.25])
        incoming = report.table("incoming")
        assert incoming is not None
        self.assertEqual(incoming.rows, [["Алиса", 2, 4, 1.5], ["Семён", 1, 1, 0.75]])
        self.assertEqual(incoming.total, ["Total", 3, 5, 2.25])
        by_product = load_report(self.q("product")).table("incoming")
        assert by_product is not None
        self.assertEqual(by_product.rows, [[self.P1, 2, 4, 1.5], [self.P2, 1, 1, 0.75]])

    def test_intake(self) -> None:
        report = intake_report(self.q("product"))
        table, missing = report.table("intake"), report.table("missing")
        assert table is not None and missing is not None
        self.assertEqual(table.rows, [
            [self.P1, 2, 0, 0.0, 3, 1, 33.3, 2, 2, 100.0, 1, 0],
            [self.P2, 1, 1, 100.0, 0, 0, None, 0, 0, None, 0, 1],
        ])
        self.assertEqual(table.total, ["Total", 3, 1, 33.3, 3, 1, 33.3, 2, 2, 100.0, 1, 1])
        self.assertEqual(missing.rows[0][:10], [self.P1, 2, 0, 0, 1, 0, 1, 1, 1, 0])
        self.assertEqual(missing.rows[1][1:], [1, 0, 0, 0, 0, 0, 0, 0, 0, "—"])

    def test_intake_counts_each_request_once(self) -> None:
        # A second acknowledgment of A (all items there by then) changes nothing: the first tells the arrival.
        services.ticket_add_event(ticket=self.a, event="ack_sent", at=office_time(2026, 11, 9, 11, 0),
                                  data={"missing": [], "articles": []})
        table = intake_report(self.q("product")).table("intake")
        assert table is not None
        self.assertEqual(table.total, ["Total", 3, 1, 33.3, 3, 1, 33.3, 2, 2, 100.0, 1, 1])

    def test_filters(self) -> None:
        table = promise_report(self.q("week", product=str(self.p2.pk))).table("promise")
        assert table is not None
        self.assertEqual(table.total[1:6], [1, 0, 0.0, 0, 0.0])  # type: ignore[index]
        table = resolution_report(self.q("week", channel="email")).table("resolution")
        assert table is not None
        self.assertEqual(table.total[1:3], [1, 15.0])  # type: ignore[index]

    def test_an_agent_sees_only_their_own_figures(self) -> None:
        query, _form = query_from_params(QueryDict(f"from=2026-11-01&to=2026-11-30&agent={self.sam.pk}"), self.alice)
        self.assertEqual(query.filters, {"agent": str(self.alice.pk)})
        table = promise_report(query).table("promise")
        assert table is not None
        self.assertEqual(table.total[1], 3)  # type: ignore[index]
        resolution = resolution_report(query).table("resolution")
        assert resolution is not None
        self.assertEqual(resolution.total[1], 1)  # type: ignore[index]
        supervisor, _form = query_from_params(QueryDict("from=2026-11-01&to=2026-11-30"), self.sam)
        table = promise_report(supervisor).table("promise")
        assert table is not None
        self.assertEqual(table.total[1], 4)  # type: ignore[index]
        with self.assertRaises(PermissionDenied):
            query_from_params(QueryDict(""), self.bob)
