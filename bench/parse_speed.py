"""Parser speed: milliseconds per mail of `parse_mail` over the repository's mail corpus.

Run from the repository root: `.venv/bin/python bench/parse_speed.py [--rounds 5] [--corpora DIR]`.
It times `supportdesk.mail.parsing.parse_mail` (no Django, no database) on every .eml of
supportdesk/mail/tests/corpus (the ugly end: HTML, bounces, guessed charsets) and, when
../shared/corpora is there, on the real-world mail of its mail/ folder (read in place, never
copied). Each set is parsed once to warm the regex caches, then `--rounds` times; the figure
is the best round's mean (the least disturbed by other work on the machine) and the mean of
all rounds. The goal the old unit test asserted, under 5 ms per mail on the project corpus, is
printed next to the figure (a goal, not a test: the machine is shared and the figure noisy).
Prints each figure, the machine, and ends with one line of JSON holding every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from machine import machine_info  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from supportdesk.mail.parsing import parse_mail  # noqa: E402

PROJECT_CORPUS = ROOT / "supportdesk" / "mail" / "tests" / "corpus"
GOAL_MS = 5.0


def find_corpora(given: str | None) -> Path | None:
    for c in (given, os.environ.get("SUPPORTDESK_CORPORA"), str(ROOT.parent / "shared" / "corpora"),
              str(ROOT.parent.parent / "shared" / "corpora")):
        if c and (Path(c) / "mail").is_dir():
            return Path(c) / "mail"
    return None


def time_set(raws: list[bytes], rounds: int) -> dict[str, float | int]:
    crashes = sum(1 for raw in raws if any(d.startswith("parser error") for d in parse_mail(raw).defects))
    per_round = []
    for _ in range(rounds):
        start = time.perf_counter()
        for raw in raws:
            parse_mail(raw)
        per_round.append((time.perf_counter() - start) / len(raws) * 1000)
    return {"mails": len(raws), "bytes": sum(len(r) for r in raws), "rounds": rounds,
            "best_ms_per_mail": round(min(per_round), 3),
            "mean_ms_per_mail": round(sum(per_round) / len(per_round), 3), "parser_errors": crashes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--corpora", help="folder holding mail/ (default ../shared/corpora)")
    a = ap.parse_args()
    sets = {"project_corpus": sorted(PROJECT_CORPUS.glob("*.eml"))}
    real = find_corpora(a.corpora)
    if real is not None:
        sets["shared_mail_corpus"] = sorted(p for p in real.rglob("*") if p.suffix in (".eml", ".box") and p.is_file())
    result: dict[str, object] = {"bench": "parse_speed", "goal_ms_per_mail": GOAL_MS}
    for name, files in sets.items():
        figures = time_set([p.read_bytes() for p in files], a.rounds)
        result[name] = figures
        print(f"{name}: {figures['mails']} mails, best {figures['best_ms_per_mail']} ms/mail, "
              f"mean {figures['mean_ms_per_mail']} ms/mail over {figures['rounds']} rounds, "
              f"parser errors {figures['parser_errors']}")
    project = result["project_corpus"]
    assert isinstance(project, dict)
    result["goal_met"] = project["best_ms_per_mail"] < GOAL_MS
    print(f"goal: under {GOAL_MS} ms per mail on the project corpus: {'met' if result['goal_met'] else 'NOT met'}")
    result["machine"] = machine_info()
    m = result["machine"]
    assert isinstance(m, dict)
    print(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, load average {m['load']}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
