"""Reports in Chromium (issue 18, acceptance): a supervisor opens each report, changes the range
with the form, and downloads tables as CSV and XLSX; each file, read back, holds the page's table."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from openpyxl import load_workbook
from playwright.sync_api import expect

from supportdesk.reports.tests.scenario import build_scenario
from supportdesk.test import PASSWORD, Personas
from supportdesk.testing.browser import ChromiumPerClass, click_to_load
from supportdesk.testing.servers import chromium_available

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")

READ_TABLE = """(id) => Array.from(document.querySelectorAll('#' + id + ' tbody tr, #' + id + ' tfoot tr'))
  .map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))"""
# Which table of each report is downloaded, and in which format.
EXPORTS = {"promise": ("promise", "csv"), "resolution": ("resolution", "xlsx"), "load": ("agents", "csv"),
           "intake": ("intake", "xlsx")}


def norm(value: Any) -> Any:
    """A cell as the page shows it (Russian decimal comma, a dash for nothing) or as a file holds it."""
    if value is None or value in ("", "—"):
        return ""
    text = str(value).replace("\u00a0", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return text


class ReportsInBrowserTests(Personas, ChromiumPerClass, StaticLiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        build_scenario(self)
        self.context = self.browser.new_context(locale="ru-RU", accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.violations: list[str] = []
        self.page.on("console", lambda m: self.violations.append(m.text) if "Content Security" in m.text else None)

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def login(self) -> None:
        page = self.page
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", "sam")
        page.fill("#id_password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#nav-reports")

    def table(self, key: str) -> list[list[Any]]:
        rows: list[list[str]] = self.page.evaluate(READ_TABLE, f"table-{key}")
        return [[norm(c) for c in row] for row in rows]

    def download(self, selector: str) -> Path:
        with self.page.expect_download() as info:
            self.page.click(selector)
        path = info.value.path()
        assert path is not None
        return Path(path)

    def test_each_report_range_and_exports(self) -> None:
        self.login()
        click_to_load(self.page, "#nav-reports")
        for kind, (table, fmt) in EXPORTS.items():
            # The first tab is the page shown already (the promise report), and a tab keeps the
            # range: the new page can have the old one's tab marked and the old one's address.
            click_to_load(self.page, f"#report-{kind}")
            expect(self.page.locator(f"#report-{kind}")).to_have_class("current")
            # The default range is the current month; the scenario happened in November 2026.
            self.page.fill("#id_from", "2026-11-01")
            self.page.fill("#id_to", "2026-11-30")
            click_to_load(self.page, "#report-show")
            assert "from=2026-11-01" in self.page.url and "to=2026-11-30" in self.page.url, self.page.url
            shown = self.table(table)
            assert shown and shown[0][0] != "За этот период ничего нет.", (kind, shown)
            if fmt == "csv":
                text = self.download(f"#csv-{table}").read_text(encoding="utf-8-sig")
                saved = [[norm(c) for c in row] for row in csv.reader(io.StringIO(text))][1:]
            else:
                sheet = load_workbook(io.BytesIO(self.download(f"#xlsx-{table}").read_bytes())).active
                saved = [[norm(c.value) for c in row] for row in sheet.iter_rows(min_row=3)]
            assert saved == shown, (kind, saved, shown)
        self.page.click("#report-promise")
        self.page.wait_for_selector("#report-promise.current")  # the click navigates; read the new page
        self.page.wait_for_selector("#table-promise tfoot tr")
        promise_total = self.table("promise")[-1]
        assert promise_total[:6] == ["Итого", 4.0, 2.0, 50.0, 3.0, 75.0]
        assert self.page.locator("svg.chart").count() == 2  # readable without any script: inline SVG
        self.page.click("#report-monthly")
        self.page.wait_for_selector("#monthly-filter")
        self.page.fill("#id_month", "2026-11")
        # The tab's address names the month of the range shown (November) already.
        click_to_load(self.page, self.page.locator("#monthly-filter button[type=submit]"))
        assert "month=2026-11" in self.page.url, self.page.url
        assert "Ноябрь 2026" in self.page.locator("h1").first.inner_text()
        assert self.page.locator("article.monthly-part").count() == 4
        self.page.emulate_media(media="print")
        assert not self.page.locator("#monthly-filter").is_visible()  # the print stylesheet hides the form
        assert self.violations == []
