"""Knowledge base: import, suggestions (function and command), public pages, rendering."""

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from supportdesk.kb.importing import FrontMatterError, parse_front_matter
from supportdesk.kb.models import Article
from supportdesk.kb.rendering import render_markdown
from supportdesk.kb.suggest import kb_suggest, kb_suggestions_for_ticket
from supportdesk.test import BaseTestCase

FILES = {
    "titry-sdi.md": "---\ntitle: Не выводятся титры на SDI\nkind: faq\nproduct: forward-tt\ncategory: Вывод\n---\n"
                    "Проверьте **вывод титров** в настройках.\n",
    "license.md": "---\ntitle: \"Перенос лицензии\"\nkind: manual\n---\nЛицензию переносят через менеджер ключей.\n",
    "forum-sync.md": "---\ntitle: Рассинхронизация звука\nkind: forum\nurl: https://forum.softlab.tv/t/42\n---\n",
    "fdonair-titles.md": "---\ntitle: Титры в FDOnAir\nproduct: fdonair\n---\nВывод титров в FDOnAir.\n",
    "Bad Name.md": "---\ntitle: x\n---\nbody\n",
    "broken.md": "---\ntitle: x\nkind: [poem\n---\nbody\n",
}


class KbTests(BaseTestCase):
    def import_files(self) -> tuple[str, str]:
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in FILES.items():
                Path(tmp, name).write_text(text, encoding="utf-8")
            out, err = StringIO(), StringIO()
            with self.assertRaises(CommandError):
                call_command("kb", "import", tmp, stdout=out, stderr=err)
            return out.getvalue(), err.getvalue()

    def test_import_creates_updates_and_reports(self) -> None:
        out, err = self.import_files()
        assert "4 created, 0 updated, 2 failed" in out
        assert "broken.md: not imported: front matter is not valid YAML" in err and "Bad Name.md" in err
        article = Article.objects.get(slug="titry-sdi")
        assert article.product == self.products["forward-tt"] and article.category == "Вывод"
        assert article.state == Article.State.PUBLISHED
        assert Article.objects.get(slug="forum-sync").url == "https://forum.softlab.tv/t/42"
        out, _err = self.import_files()
        assert "0 created, 4 updated, 2 failed" in out

    def test_front_matter_needs_fences(self) -> None:
        with self.assertRaises(FrontMatterError):
            parse_front_matter("title: x\n")

    def test_suggest_function_filters_and_ranks(self) -> None:
        self.import_files()
        found = kb_suggest("Здравствуйте! Не выводится титр, вывод на SDI не работает", language="ru",
                           product=self.products["forward-tt"])
        assert found[0].slug == "titry-sdi"  # the FDOnAir article is another product's: below, if at all
        assert found[0].url == "http://127.0.0.1:8000/kb/titry-sdi/"
        link = kb_suggest("рассинхронизацией звука", language="ru")
        assert link[0].url == "https://forum.softlab.tv/t/42"
        # an English request finds the Russian article through the lexicon
        assert [s.slug for s in kb_suggest("audio out of sync", language="en")][:1] == ["forum-sync"]

    def test_suggest_command_json(self) -> None:
        self.import_files()
        with tempfile.TemporaryDirectory() as tmp:
            eml = Path(tmp, "req.eml")
            eml.write_bytes("From: a@b.ru\r\nSubject: =?utf-8?b?0KLQuNGC0YDRiw==?=\r\nContent-Type: text/plain; "
                            "charset=utf-8\r\n\r\nНе выводятся титры на SDI-выход.\r\n".encode())
            out = StringIO()
            call_command("kb", "suggest", str(eml), "--json", stdout=out)
        data = json.loads(out.getvalue())
        assert data[0]["slug"] == "titry-sdi" and set(data[0]) == {"slug", "title", "score"}
        assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)

    def test_suggestions_for_ticket(self) -> None:
        self.import_files()
        ticket = self.make_ticket(subject="Титры", body="Титры не выводятся на SDI 2.")
        assert "titry-sdi" in [s.slug for s in kb_suggestions_for_ticket(ticket)]

    def test_public_pages_hide_drafts(self) -> None:
        Article.objects.create(slug="pub", title="Открытая статья", body="Текст <script>x</script>", state="published")
        Article.objects.create(slug="secret", title="Черновик статьи", body="Текст", state="draft")
        page = self.client.get("/kb/").content.decode()
        assert "Открытая статья" in page and "Черновик статьи" not in page
        assert self.client.get("/kb/secret/").status_code == 404
        article = self.client.get("/kb/pub/").content.decode()
        assert "<script>x" not in article
        search = self.client.get("/kb/", {"q": "статьёй"}).content.decode()
        assert "Открытая статья" in search and "Черновик статьи" not in search

    def test_link_article_redirects(self) -> None:
        Article.objects.create(slug="ext", title="Внешняя", url="https://softlab.tv/faq/1", state="published")
        response = self.client.get("/kb/ext/")
        assert response.status_code == 302 and response["Location"] == "https://softlab.tv/faq/1"

    def test_markdown_is_sanitised(self) -> None:
        html = render_markdown("[x](javascript:alert(1)) <img src=x onerror=alert(1)> **b**")
        assert "javascript:" not in html and "onerror" not in html and "<strong>b</strong>" in html
