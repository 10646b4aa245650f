"""Issue 13 item 14: dates on public pages are office dates, labelled with the office zone."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse

from supportdesk.catalog.models import Release
from supportdesk.kb.models import Article
from supportdesk.test import BaseTestCase

# 20:00 UTC on 2 March is 03:00 on 3 March in Novosibirsk (UTC+7).
LATE_EVENING_UTC = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)


class OfficeDatesTests(BaseTestCase):
    def test_downloads_show_the_office_release_date(self) -> None:
        Release.objects.create(product=self.products["forward-ts"], version="6.3.0",
                               status=Release.Status.PUBLISHED, published_at=LATE_EVENING_UTC,
                               download_url="https://www.softlab.tv/download/fts-6.3.0")
        page = self.client.get(reverse("portal:downloads")).content.decode()
        assert "03.03.2026" in page and "02.03.2026" not in page
        assert "Новосибирск, UTC+7" in page

    def test_kb_article_updated_date_is_the_office_date(self) -> None:
        article = Article.objects.create(slug="titles", title="Титры", body="Текст", state=Article.State.PUBLISHED)
        Article.objects.filter(pk=article.pk).update(updated_at=LATE_EVENING_UTC)
        response = self.client.get(reverse("kb:article", args=["titles"]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "03.03.2026" in page and "02.03.2026" not in page
        assert "Новосибирск, UTC+7" in page
