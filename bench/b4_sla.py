"""B4: SLA arithmetic throughput.

Run from the repository root: `.venv/bin/python bench/b4_sla.py`. Prints each figure, the
machine, and ends with one line of JSON holding every figure. Each section is a function that
returns its figures as a dict; add a section by adding it to SECTIONS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time as clock
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from supportdesk.calendar.business import BusinessCalendar, parse_weekly_hours  # noqa: E402
from supportdesk.calendar.production import ProductionCalendar  # noqa: E402
from supportdesk.sla.clock import business_days_seconds, reply_due  # noqa: E402

OFFICE_HOURS = {day: ["09:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
RANGE_START = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
RANGE_END = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
SEED = 4


def machine() -> dict[str, object]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def pin_to_one_core() -> int | None:
    """Run on a single core, so the figure is per core whatever the machine."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def office_calendar() -> BusinessCalendar:
    return BusinessCalendar("Asia/Novosibirsk", parse_weekly_hours(OFFICE_HOURS), ProductionCalendar())


def best_rate(run: Callable[[], int], repeats: int) -> float:
    """Operations per second of the best of several runs (the least disturbed one)."""
    best = 0.0
    for _ in range(repeats):
        started = clock.perf_counter()
        done = run()
        best = max(best, done / (clock.perf_counter() - started))
    return best


def bench_deadlines(count: int, repeats: int) -> dict[str, float]:
    cal = office_calendar()
    rng = random.Random(SEED)
    stamps = [rng.uniform(RANGE_START, RANGE_END) for _ in range(count)]
    spans = [business_days_seconds(rng.choice((1, 2))) for _ in range(count)]
    received = [datetime.fromtimestamp(ts, UTC) for ts in stamps]
    days = [s / business_days_seconds(1) for s in spans]
    add = cal.add_business_seconds_ts
    add(stamps[0], spans[0])  # builds the precomputed years outside the timing

    def fast_path() -> int:
        for ts, n in zip(stamps, spans, strict=True):
            add(ts, n)
        return count

    def datetime_path() -> int:
        for t, d in zip(received, days, strict=True):
            reply_due(cal, t, d)
        return count

    started = clock.perf_counter()
    office_calendar().add_business_seconds_ts(stamps[0], spans[0])
    cold_ms = (clock.perf_counter() - started) * 1000
    return {
        "deadlines_per_s_ts": round(best_rate(fast_path, repeats)),
        "deadlines_per_s_datetime": round(best_rate(datetime_path, repeats)),
        "cold_start_ms": round(cold_ms, 2),
    }


SECTIONS: dict[str, Callable[[argparse.Namespace], dict[str, float]]] = {
    "deadlines": lambda args: bench_deadlines(args.count, args.repeats),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300_000, help="deadlines per timed run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    args = parser.parse_args(argv)

    core = pin_to_one_core()
    info = machine()
    print(f"machine: {info['platform']}; {info['cpu']}; {info['cores']} cores; Python {info['python']}")
    print(f"pinned to core: {core}")
    figures: dict[str, object] = {"machine": info, "pinned_core": core}
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        result = section(args)
        for key, value in result.items():
            print(f"{name}.{key}: {value:,}")
        figures[name] = result
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
