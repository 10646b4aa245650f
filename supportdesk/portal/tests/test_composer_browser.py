"""A real browser types a request, sees suggestions appear and gets a filled mailto: link."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from supportdesk.kb.models import Article
from supportdesk.test import Personas
from supportdesk.testing.servers import chromium_available, chromium_launch_args


@pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")
class ComposerBrowserTests(Personas, StaticLiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        Article.objects.create(slug="titry-sdi", title="Не выводятся титры на SDI-выход", state="published",
                               product=self.products["forward-tt"], body="Проверьте, что вывод титров включён.")
        Article.objects.create(slug="license", title="Перенос лицензии", state="published", body="Лицензия.")

    def test_type_request_see_suggestions_get_mailto(self) -> None:
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(**chromium_launch_args())
            try:
                page = browser.new_page(locale="ru-RU")
                page.goto(self.live_server_url + "/portal/compose/")
                page.select_option("#c-product", "forward-tt")
                page.fill("#c-subject", "Титры")
                page.locator("#c-description").press_sequentially("Не выводится титр на выход SDI", delay=10)
                expect(page.locator("#suggestions a")).to_have_text(["Не выводятся титры на SDI-выход"])
                page.fill("#c-steps", "1. Запускаю Titler\n2. Включаю вывод")
                page.fill("#c-version", "Forward TT 7.0.3")
                page.fill("#c-settings", "Прилагаю project.ftt")
                expect(page.locator("#mail-preview")).to_contain_text("Прилагаю project.ftt")
                href = page.locator("#mailto-link").get_attribute("href") or ""
            finally:
                browser.close()
        parts = urlsplit(href)
        assert parts.scheme == "mailto" and parts.path == "forward@softlab.tv"
        query = parse_qs(parts.query)
        assert query["subject"] == ["Титры"]
        body = unquote(query["body"][0])
        assert "Продукт: Forward TT" in body
        for section, value in [("1. Описание проблемы:", "Не выводится титр на выход SDI"),
                               ("2. Пошаговое описание действий", "2. Включаю вывод"),
                               ("3. Версия установленного ПО:", "Forward TT 7.0.3"),
                               ("4. Настройки программ", "Прилагаю project.ftt")]:
            assert section in body and value in body
        assert body.index("1. Описание") < body.index("2. Пошаговое") < body.index("3. Версия") < body.index("4. Настройки")
