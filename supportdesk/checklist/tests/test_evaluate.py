from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportdesk.checklist import evaluate
from supportdesk.checklist.model import ProductSpec

HELDOUT = evaluate.LABELLED_SET.parent / "heldout.jsonl"


def test_labelled_set_is_large_and_mostly_russian() -> None:
    samples = evaluate.load_samples()
    assert len(samples) >= 120
    russian = sum(sample["lang"] == "ru" for sample in samples)
    assert 0.75 <= russian / len(samples) <= 0.92
    assert len({sample["id"] for sample in samples}) == len(samples)


@pytest.mark.parametrize("path", [evaluate.LABELLED_SET, HELDOUT], ids=["labelled", "heldout"])
def test_every_item_reaches_the_goal(products: list[ProductSpec], path: Path) -> None:
    scores, errors = evaluate.evaluate(evaluate.load_samples(path), products)
    for item, score in scores.items():
        assert score.f1 >= 0.95, (item, score, [e for e in errors if e[1] == item])


def test_score_counts_a_wrong_version_as_both_errors() -> None:
    score = evaluate.Score()
    score.add("6.2", "6.2.1")
    score.add(None, None)
    score.add("6.2.1", "6.2.1")
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)


def test_main_ends_with_one_line_of_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = json.loads(last)
    assert set(figures["items"]) == set(evaluate.ITEMS)
    assert 0.0 <= figures["macro_f1"] <= 1.0
