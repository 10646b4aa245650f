"""``supportdesk search reindex [--kind article|ticket]`` and ``supportdesk search query TEXT``."""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supportdesk.search.index import reindex
from supportdesk.search.query import search


class Command(BaseCommand):
    help = "Rebuild the full-text index, or run a query against it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        re = sub.add_parser("reindex", help="rebuild the index from the articles and tickets")
        re.add_argument("--kind", choices=["article", "ticket"], action="append")
        q = sub.add_parser("query", help="print the best hits for a query as JSON")
        q.add_argument("text")
        q.add_argument("--kind", choices=["article", "ticket"], default="ticket")
        q.add_argument("--limit", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reindex":
            started = time.monotonic()
            counts = reindex(kinds=options["kind"] or ("article", "ticket"))
            took = time.monotonic() - started
            self.stdout.write(", ".join(f"{n} {k}s" for k, n in counts.items()) + f" indexed in {took:.1f} s")
        elif options["action"] == "query":
            result = search(options["text"], kind=options["kind"], limit=options["limit"])
            self.stdout.write(json.dumps({"terms": result.query_terms, "total": result.total, "hits": [
                {"id": h.object_id, "title": h.title, "score": h.score, "snippet": str(h.snippet)}
                for h in result.hits]}, ensure_ascii=False, indent=2))
        else:
            raise CommandError("unknown action")
