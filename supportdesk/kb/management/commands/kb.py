"""``supportdesk kb import DIR`` and ``supportdesk kb suggest FILE [--json]``."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supportdesk.catalog.models import Product
from supportdesk.kb.importing import kb_import_dir
from supportdesk.kb.suggest import kb_suggest
from supportdesk.mail.parsing import parse_mail


def request_text(path: Path) -> tuple[str, str]:
    """(text, language guess) of an .eml or a plain text file."""
    raw = path.read_bytes()
    if path.suffix.lower() == ".eml":
        mail = parse_mail(raw)
        return f"{mail.subject}\n{mail.text}", mail.language or "ru"
    return raw.decode("utf-8", errors="replace"), "ru"


class Command(BaseCommand):
    help = "Knowledge base: import Markdown articles, or suggest articles for a request."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import DIR/*.md (front matter + Markdown); updates existing slugs")
        imp.add_argument("directory")
        sug = sub.add_parser("suggest", help="the best articles for a request (.eml or text file)")
        sug.add_argument("file")
        sug.add_argument("--json", action="store_true")
        sug.add_argument("--language", default="")
        sug.add_argument("--product", default="", help="a product key")
        sug.add_argument("--limit", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(Path(options["directory"]))
        else:
            self._suggest(options)

    def _import(self, directory: Path) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        summary = kb_import_dir(directory)
        for name, note in summary.notes:
            self.stdout.write(f"{name}: {note}")
        for name, error in summary.errors:
            self.stderr.write(f"{name}: not imported: {error}")
        self.stdout.write(f"{len(summary.created)} created, {len(summary.updated)} updated, "
                          f"{len(summary.errors)} failed, {len(summary.notes)} notes")
        if summary.errors:
            raise CommandError(f"{len(summary.errors)} files were not imported")

    def _suggest(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        text, language = request_text(path)
        product = Product.objects.filter(key=options["product"]).first() if options["product"] else None
        found = kb_suggest(text, language=options["language"] or language, product=product,
                           limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps([{"slug": s.slug, "title": s.title, "score": s.score} for s in found],
                                         ensure_ascii=False))
        else:
            for s in found:
                self.stdout.write(f"{s.score:8.3f}  {s.slug}  {s.title}  {s.url}")
