"""`kb import` takes a vendor's FAQ export as it is: YAML front matter, products by any name, kind synonyms,
and a report per file of what was left out, without refusing the rest."""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from supportdesk.kb.importing import FrontMatterError, parse_front_matter, product_names
from supportdesk.kb.models import Article
from supportdesk.policy import get_policy
from supportdesk.test import BaseTestCase

EXPORT = {
    # The hand-rolled parser cut this title at '#'.
    "oshibka-5.md": '---\ntitle: "Ошибка #5 при запуске"\nkind: guide\nproduct: Forward TS\nlanguage: ru\n---\n'
                    "Переустановите драйвер.\n",
    "fd-on-air.md": "---\ntitle: 'Плей-лист: пауза'\nkind: Quick guide\nproduct: FD On Air\n---\nНажмите F5.\n",
    "titling.md": "---\ntitle: Титры мерцают\nkind: faq\nproduct: Форвард ТТ\n---\nВключите фильтр.\n",
    "by-key.md": "---\ntitle: Ключ\nproduct: forward-t\n---\nТекст.\n",
    "for-all.md": "---\ntitle: Formats\nkind: manual\nproduct: all\nlanguage: en\n"
                  "url: https://softlab.tv/en/docs/formats/\n---\nThe formats.\n",
    "no-product.md": "---\ntitle: Форум\nkind: thread\nurl: https://forum.softlab.tv/viewtopic.php?t=1\n---\n",
    "sl-news.md": "---\ntitle: Рандаун SL NEWS\nkind: faq\nproduct: SLNews\n---\nПроверьте связь.\n",
    "unknown.md": "---\ntitle: Аврора\nkind: faq\nproduct: Aurora Player\n---\nНе наш продукт.\n",
    "extras.md": "\ufeff---\ntitle: С тегами\nkind: poem\nstate: maybe\nauthor: Иван\ntags: [a, b]\n"
                 "url: ftp://x.test/a\n---\nТекст.\n",
    "two-products.md": "---\ntitle: Две\nproduct: [fdonair, forward-ts]\n---\nТекст.\n",
    "no-title.md": "---\nkind: faq\n---\nТекст без заголовка.\n",
    "bad-yaml.md": "---\ntitle: [не закрыт\n---\nТекст.\n",
}


class KbImportTests(BaseTestCase):
    def run_import(self, files: dict[str, str]) -> tuple[str, str, bool]:
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in files.items():
                Path(tmp, name).write_text(text, encoding="utf-8")
            out, err = StringIO(), StringIO()
            try:
                call_command("kb", "import", tmp, stdout=out, stderr=err)
            except CommandError:
                return out.getvalue(), err.getvalue(), False
            return out.getvalue(), err.getvalue(), True

    def test_a_vendor_export_imports_every_usable_file_and_reports_the_rest(self) -> None:
        out, err, ok = self.run_import(EXPORT)
        assert not ok  # two files had no usable article: the exit status says so
        assert "10 created, 0 updated, 2 failed" in out
        assert "no-title.md: not imported: title is missing" in err
        assert "bad-yaml.md: not imported: front matter is not valid YAML" in err
        article = Article.objects.get(slug="oshibka-5")
        assert article.title == "Ошибка #5 при запуске"
        assert article.kind == Article.Kind.QUICK_GUIDE and article.product == self.products["forward-ts"]
        assert Article.objects.get(slug="fd-on-air").title == "Плей-лист: пауза"
        assert Article.objects.get(slug="fd-on-air").product == self.products["fdonair"]
        assert Article.objects.get(slug="fd-on-air").kind == Article.Kind.QUICK_GUIDE
        assert Article.objects.get(slug="titling").product == self.products["forward-tt"]
        assert Article.objects.get(slug="by-key").product == self.products["forward-t"]
        formats = Article.objects.get(slug="for-all")
        assert formats.product is None and formats.kind == Article.Kind.MANUAL and formats.language == "en"
        forum = Article.objects.get(slug="no-product")
        assert forum.product is None and forum.kind == Article.Kind.FORUM and forum.body == ""
        assert "for-all.md" not in out and "no-product.md" not in out  # nothing left out there

    def test_what_is_left_out_is_reported_per_file(self) -> None:
        out, _err, _ok = self.run_import(EXPORT)
        assert "unknown.md: unknown product 'Aurora Player': imported without a product" in out
        unknown = Article.objects.get(slug="unknown")
        assert unknown.product is None and unknown.state == Article.State.PUBLISHED
        assert Article.objects.get(slug="sl-news").product == self.products["sl-news"]
        assert "extras.md: ignored keys: author, tags" in out
        assert "extras.md: unknown kind 'poem': imported as faq" in out
        assert "extras.md: unknown state 'maybe': imported as a draft" in out
        assert "extras.md: url 'ftp://x.test/a' is not an http(s) URL: left out" in out
        extras = Article.objects.get(slug="extras")
        assert (extras.kind, extras.state, extras.url) == (Article.Kind.FAQ, Article.State.DRAFT, "")
        assert "two-products.md: products ['fdonair', 'forward-ts']" in out
        assert Article.objects.get(slug="two-products").product is None

    def test_a_clean_export_exits_successfully_and_updates_on_the_second_run(self) -> None:
        clean = {name: text for name, text in EXPORT.items() if name not in {"no-title.md", "bad-yaml.md"}}
        out, err, ok = self.run_import(clean)
        assert ok and err == "" and "10 created, 0 updated, 0 failed" in out
        out, _err, ok = self.run_import(clean)
        assert ok and "0 created, 10 updated, 0 failed" in out
        assert Article.objects.count() == 10

    def test_a_nul_character_fails_its_file_alone_not_the_import(self) -> None:
        # Found by fuzzing: PostgreSQL refused the article and the error ended the whole import.
        files = {"ok.md": "---\ntitle: Плей-лист\n---\nТекст\n",
                 "nul-body.md": "---\ntitle: A\n---\nText\x00more\n",
                 "nul-title.md": '---\ntitle: "A\\0B"\n---\nText\n'}
        out, err, ok = self.run_import(files)
        assert not ok and "1 created, 0 updated, 2 failed" in out
        assert "nul-body.md: not imported: the file holds a NUL character (line 4)" in err
        assert "nul-title.md: not imported: title: holds a NUL character" in err
        assert Article.objects.get().slug == "ok"

    def test_front_matter_is_yaml(self) -> None:
        meta, body = parse_front_matter('---\ntitle: "Ошибка #5"\nTags: [a]\n---\n\nТекст #1\n')
        assert meta == {"title": "Ошибка #5", "tags": ["a"]} and body == "Текст #1\n"
        meta, _body = parse_front_matter("---\ntitle: Ошибка # комментарий YAML\n---\nx\n")
        assert meta["title"] == "Ошибка"
        for broken, message in [("title: x\n", "no front matter"), ("---\ntitle: x\n", "not closed"),
                                ("---\n- a\n- b\n---\nx\n", "'key: value' lines"),
                                ("---\ntitle: 'x\n---\nx\n", "not valid YAML")]:
            with self.subTest(broken=broken):
                with self.assertRaisesRegex(FrontMatterError, message):
                    parse_front_matter(broken)

    def test_product_names_cover_keys_names_and_aliases(self) -> None:
        names = product_names(get_policy())
        assert names["forwardts"] == "forward-ts" and names["fts"] == "forward-ts"
        assert names["forwardtitling"] == "forward-titling" and names["fdonair"] == "fdonair"
        assert names["форвардтт"] == "forward-tt"
        assert names["форвардт"] == "forward-t"
