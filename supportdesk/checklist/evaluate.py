"""Score the completeness check against the labelled set.

    python -m supportdesk.checklist.evaluate [--set PATH] [--errors]

Prints precision, recall and F1 per item (a version or product counts as right only when
the string matches the label) and the macro-F1, then one line of JSON with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportdesk.checklist.check import check_request
from supportdesk.checklist.model import (
    AttachmentInfo,
    ChecklistResult,
    ProductSpec,
    product_specs_from_policy,
)

LABELLED_SET = Path(__file__).parent / "labelled" / "requests.jsonl"
DEFAULT_POLICY = Path(__file__).parent.parent / "policy" / "default_policy.toml"
ITEMS: tuple[str, ...] = ("description", "steps", "version", "product", "settings")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: Any, expected: Any) -> bool:
        """Count one sample; a value (str) is right only if equal, a bool only if equal."""
        if isinstance(expected, bool) or isinstance(predicted, bool):
            predicted, expected = bool(predicted) or None, bool(expected) or None
        right = predicted == expected
        if predicted is not None and right:
            self.tp += 1
        if predicted is not None and not right:
            self.fp += 1
        if expected is not None and not right:
            self.fn += 1
        return right

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_products(policy_path: Path = DEFAULT_POLICY) -> list[ProductSpec]:
    with policy_path.open("rb") as handle:
        return product_specs_from_policy(tomllib.load(handle)["products"])


def load_samples(path: Path = LABELLED_SET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def run_sample(sample: dict[str, Any], products: Sequence[ProductSpec]) -> ChecklistResult:
    attachments = [
        AttachmentInfo(a["filename"], a["content_type"], int(a["size"]), a.get("text"))
        for a in sample.get("attachments", ())
    ]
    return check_request(
        text=sample["text"], subject=sample.get("subject", ""), attachments=attachments, products=products
    )


def evaluate(
    samples: Iterable[dict[str, Any]], products: Sequence[ProductSpec]
) -> tuple[dict[str, Score], list[tuple[str, str, Any, Any]]]:
    scores = {item: Score() for item in ITEMS}
    errors: list[tuple[str, str, Any, Any]] = []
    for sample in samples:
        result = run_sample(sample, products)
        for item in ITEMS:
            predicted, expected = getattr(result, item), sample["labels"][item]
            if not scores[item].add(predicted, expected):
                errors.append((sample["id"], item, predicted, expected))
    return scores, errors


def figures(scores: dict[str, Score]) -> dict[str, Any]:
    per_item = {
        item: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4)}
        for item, s in scores.items()
    }
    macro = sum(s.f1 for s in scores.values()) / len(scores)
    return {"items": per_item, "macro_f1": round(macro, 4)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=LABELLED_SET, help="labelled JSONL file")
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY, help="policy TOML with [[products]]")
    parser.add_argument("--errors", action="store_true", help="list every wrong prediction")
    args = parser.parse_args(argv)

    samples = load_samples(args.set)
    scores, errors = evaluate(samples, load_products(args.policy))
    print(f"{len(samples)} samples")
    print(f"{'item':<12} {'precision':>9} {'recall':>7} {'F1':>6}")
    for item, score in scores.items():
        print(f"{item:<12} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f}")
    result = figures(scores)
    print(f"macro-F1 {result['macro_f1']:.3f}")
    if args.errors:
        for sample_id, item, predicted, expected in errors:
            print(f"  {sample_id} {item}: predicted {predicted!r}, labelled {expected!r}", file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
