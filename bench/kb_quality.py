"""KB suggestions on the development corpus (../shared/corpora/kb), split into a tune half
(0-based line index even) and a held-out half (odd), with the "no answer" threshold's calibration.

Prepare a database holding the corpus articles, then run from the repository root:

    export SUPPORTDESK_DEV=1 SUPPORTDESK_DATA_DIR=$(mktemp -d)
    .venv/bin/supportdesk migrate && .venv/bin/supportdesk kb import ../shared/corpora/kb/articles
    .venv/bin/python bench/kb_quality.py [--corpus ../shared/corpora/kb]

Figures per half, through ``kb_suggest`` (what the acknowledgment and `kb suggest` use): a right
article in the top 3 over the queries that have one, and the share of the others that get no
suggestion. The calibration: on the tune half only, every answerable query's best confidence
is a positive; a negative is the best confidence of a query no article answers, and of every
answerable query asked again with its right articles left out ("what if the KB lacked the
answer" — many more negatives than the few real ones). The threshold that refuses the most
negatives while keeping 90 % of the positives (a midpoint between neighbouring values) is
printed next to the shipped MIN_CONFIDENCE.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# ../shared next to the checkout (or next to the worktrees' folder)
KEEP = 0.9  # the operating point: lose at most 10 % of the right suggestions to the threshold
DEFAULT_CORPUS = next((p / "shared" / "corpora" / "kb" for p in (ROOT.parent, ROOT.parent.parent)
                       if (p / "shared" / "corpora" / "kb").is_dir()), ROOT.parent / "shared" / "corpora" / "kb")


def halves(path: Path) -> dict[str, list[dict[str, object]]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {"tune": lines[0::2], "held-out": lines[1::2]}


def figures(queries: list[dict[str, object]], slug_lists: dict[str, list[str]]) -> dict[str, float | int]:
    answerable = [q for q in queries if q["relevant"]]
    none = [q for q in queries if not q["relevant"]]
    hits = sum(1 for q in answerable if set(slug_lists[str(q["id"])][:3]) & set(q["relevant"]))
    empty = sum(1 for q in none if not slug_lists[str(q["id"])])
    return {"answerable": len(answerable), "top3": round(hits / max(1, len(answerable)), 3),
            "no_answer": len(none), "abstained": round(empty / max(1, len(none)), 3)}


def best_threshold(positives: list[float], negatives: list[float], keep: float = KEEP) -> tuple[float, float, float]:
    """(threshold, share of positives kept, share of negatives refused): the threshold refusing
    the most negatives while keeping at least ``keep`` of the positives (suggest when >=)."""
    values = sorted(set(positives) | set(negatives))
    cuts = [values[0] - 0.01] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    best = (cuts[0], 1.0, 0.0)
    for cut in cuts:
        kept = sum(1 for p in positives if p >= cut) / max(1, len(positives))
        refused = sum(1 for n in negatives if n < cut) / max(1, len(negatives))
        if kept >= keep and refused > best[2]:
            best = (cut, kept, refused)
    return round(best[0], 3), round(best[1], 3), round(best[2], 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    import django

    django.setup()
    from supportdesk.catalog.models import Product
    from supportdesk.kb import suggest
    from supportdesk.kb.lexicon import load_lexicon
    from supportdesk.kb.models import Article
    from supportdesk.kb.ranking import rank_articles, request_product, text_language

    ids = dict(Article.objects.values_list("slug", "pk"))
    if not ids:
        raise SystemExit("no articles: import the corpus first (see the module docstring)")
    specs = suggest._product_specs()
    lexicon = load_lexicon()
    weights = suggest.WEIGHTS
    product_ids = dict(Product.objects.values_list("key", "pk"))

    def best_confidence(text: str, exclude: set[int]) -> float:
        ranked = rank_articles(text[:suggest.SUGGEST_TEXT_LIMIT], language=text_language(text), lexicon=lexicon,
                               products=specs, weights=weights, product_key=request_product(text, specs),
                               product_ids=product_ids, limit=1, exclude=exclude)
        return ranked[0].confidence if ranked else 0.0

    report: dict[str, Any] = {"min_confidence": suggest.MIN_CONFIDENCE}
    for name, queries in halves(args.corpus / "queries.jsonl").items():
        slugs = {str(q["id"]): [s.slug for s in suggest.kb_suggest(str(q["text"]), language="ru")] for q in queries}
        report[name] = figures(queries, slugs)
        # A positive: the best article's confidence when a right article is in the top 3 before
        # any threshold.
        unfiltered = {str(q["id"]): [s.slug for s in suggest.kb_suggest(str(q["text"]), language="ru",
                                                                          min_confidence=0.0)] for q in queries}
        positives = [best_confidence(str(q["text"]), set()) for q in queries
                     if q["relevant"] and set(unfiltered[str(q["id"])][:3]) & set(q["relevant"])]
        negatives = [best_confidence(str(q["text"]), set()) for q in queries if not q["relevant"]]
        negatives += [best_confidence(str(q["text"]), {ids[s] for s in q["relevant"] if s in ids})
                      for q in queries if q["relevant"]]
        threshold, kept, refused = best_threshold(positives, negatives)
        if name == "tune":
            print("tune confidences, answerable:", " ".join(f"{v:.2f}" for v in sorted(positives)))
            print("tune confidences, unanswered:", " ".join(f"{v:.2f}" for v in sorted(negatives)))
        report[name]["calibration"] = {"positives": len(positives), "negatives": len(negatives),
                                       "threshold": threshold, "kept": kept, "refused": refused}
        print(f"{name:9} right article in top 3: {report[name]['top3']:.3f} of {report[name]['answerable']}; "
              f"no suggestion when none answers: {report[name]['abstained']:.3f} of {report[name]['no_answer']}; "
              f"threshold from this half {threshold} (keeps {kept} of {len(positives)} positives, "
              f"refuses {refused} of {len(negatives)} negatives)")
    print(f"shipped MIN_CONFIDENCE = {suggest.MIN_CONFIDENCE} (calibrated on the tune half only)")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
