"""B4: SLA arithmetic throughput, and recomputing stored due times after a calendar change.

Run from the repository root: `.venv/bin/python bench/b4_sla.py [--db sqlite|postgres|both|none]`.
Prints each figure, the machine, and ends with one line of JSON holding every figure. Each section
is a function that returns its figures as a dict; add a section by adding it to SECTIONS.

The recompute section runs once per database, each in a child process of this script (Django is
configured once per process) on a throwaway database: a temporary SQLite file, or a PostgreSQL
database `sd_bench_b4` on 127.0.0.1:5432 (user postgres) created and dropped around the run. It
creates N open tickets with running reply clocks, makes a day a day off in the calendar data file,
and times `sla_calendar_changed` (reload the policy and calendar, recompute every open ticket,
record the change), the path the watcher takes when it notices an edited calendar.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from machine import cpu_model  # bench/machine.py (the script's folder is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from supportdesk.calendar.business import BusinessCalendar, parse_weekly_hours  # noqa: E402
from supportdesk.calendar.production import ProductionCalendar  # noqa: E402
from supportdesk.sla.clock import business_days_seconds, reply_due  # noqa: E402

OFFICE_HOURS = {day: ["09:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
RANGE_START = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
RANGE_END = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
SEED = 4


def machine() -> dict[str, object]:
    cpu = cpu_model()
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        # Other work on the machine skews every figure: record how busy it was.
        "loadavg_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
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


# -- recompute after a calendar change (one child process per database) ------------------

OFFICE = ZoneInfo("Asia/Novosibirsk")
# Wednesday noon; every ticket's reply clock started within the 7 days before. Two changes are
# timed: tomorrow made a day off (the tickets whose deadlines run past tomorrow's opening move),
# then the office opening an hour later every weekday (every ticket moves: the worst case).
BENCH_NOW = datetime(2026, 5, 13, 12, 0, tzinfo=OFFICE)
BENCH_WINDOW_DAYS = 7
BENCH_DAY_OFF = date(2026, 5, 14)
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "sd_bench_b4"
CUSTOMERS = 10_000
CREATE_BATCH = 2_000


def _write_files(folder: Path, day_off: date | None, opens: str = "09:00") -> Path:
    from supportdesk.policy.loader import DEFAULT_POLICY_FILE

    data = folder / "calendar.toml"
    data.write_text("[overrides]\n" + (f'"{day_off.isoformat()}" = "nonworking"\n' if day_off else ""))
    policy = folder / "policy.toml"
    text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8").replace('data_file = ""', f'data_file = "{data}"')
    policy.write_text(text.replace('["09:00", "18:00"]', f'["{opens}", "18:00"]'), encoding="utf-8")
    return policy


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _insert_rows(model: type, template: object, varying: list[str], rows: list[tuple[object, ...]]) -> None:
    """Insert rows fast: constant columns prepared once from a template instance, the varying
    ones as given (already in database form). The ORM's bulk_create prepares every value of
    every row, which makes 100,000 tickets a minute's work on SQLite."""
    from django.db import connection, transaction

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]  # type: ignore[attr-defined]
    columns = [f.attname for f in fields]
    constant = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields
                if f.attname not in varying}
    positions = {name: i for i, name in enumerate(varying)}
    table = connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]
    sql = (f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with transaction.atomic(), connection.cursor() as cursor:
        for first in range(0, len(rows), CREATE_BATCH):
            cursor.executemany(sql, [
                [row[positions[c]] if c in positions else constant[c] for c in columns]
                for row in rows[first:first + CREATE_BATCH]])


def _create_open_tickets(count: int) -> None:
    from django.db import connection

    from supportdesk.customers.models import Customer
    from supportdesk.tickets.clocks import office_calendar
    from supportdesk.tickets.models import Status, Ticket

    adapt = connection.ops.adapt_datetimefield_value
    _insert_rows(Customer, Customer(created_at=BENCH_NOW), ["name"], [(f"Клиент {i}",) for i in range(CUSTOMERS)])
    customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    cal = office_calendar()
    target_s, limit_s = business_days_seconds(1), business_days_seconds(2)
    rng = random.Random(SEED)
    end = BENCH_NOW.timestamp()
    start = (BENCH_NOW - timedelta(days=BENCH_WINDOW_DAYS)).timestamp()
    rows: list[tuple[object, ...]] = []
    for i in range(count):
        ts = rng.uniform(start, end)
        received = adapt(datetime.fromtimestamp(ts, UTC))
        rows.append((
            f"Заявка {i}", customer_ids[i % len(customer_ids)], Status.OPEN if i % 3 else Status.NEW,
            received, received, received,
            adapt(datetime.fromtimestamp(cal.add_business_seconds_ts(ts, target_s), UTC)),
            adapt(datetime.fromtimestamp(cal.add_business_seconds_ts(ts, limit_s), UTC))))
    template = Ticket(channel="email", updated_at=BENCH_NOW)
    _insert_rows(Ticket, template, ["subject", "customer_id", "status", "created_at", "last_customer_message_at",
                                    "reply_pending_since", "reply_target_at", "reply_due_at"], rows)


def db_worker(db: str, count: int) -> dict[str, object]:
    """Runs in the child process: set up Django on a throwaway database and time the recompute."""
    folder = Path(tempfile.mkdtemp(prefix="sd-bench-b4-"))
    policy = _write_files(folder, None)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "supportdesk.settings", "SUPPORTDESK_DEV": "1",
                       "SUPPORTDESK_DATA_DIR": str(folder), "SUPPORTDESK_POLICY": str(policy),
                       "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}" if db == "postgres" else ""})
    if db == "postgres":
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from supportdesk.escalation.recompute import sla_calendar_changed, sla_recompute_open_tickets

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            version = str(cursor.fetchone()[0])
        started = clock.perf_counter()
        _create_open_tickets(count)
        create_s = clock.perf_counter() - started
        # A database in service has been vacuumed and analysed; a fresh bulk load has not.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        _write_files(folder, BENCH_DAY_OFF)  # the administrator's edits
        started = clock.perf_counter()
        changed = sla_calendar_changed(now=BENCH_NOW)
        recompute_s = clock.perf_counter() - started
        _write_files(folder, BENCH_DAY_OFF, opens="10:00")
        started = clock.perf_counter()
        changed_all = sla_calendar_changed(now=BENCH_NOW)
        recompute_all_s = clock.perf_counter() - started
        started = clock.perf_counter()
        unchanged = sla_recompute_open_tickets(now=BENCH_NOW)  # nothing moves: reads and computes only
        noop_s = clock.perf_counter() - started
        connection.close()
    finally:
        if db == "postgres":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    return {"database": version.split(",")[0], "loadavg_1min": round(os.getloadavg()[0], 2), "tickets": count, "create_s": round(create_s, 2),
            "recompute_s": round(recompute_s, 3), "tickets_moved": changed,
            "recompute_all_moved_s": round(recompute_all_s, 3), "tickets_moved_all": changed_all,
            "recompute_nothing_moved_s": round(noop_s, 3), "moved_on_second_pass": unchanged}


def bench_recompute(dbs: list[str], count: int) -> dict[str, object]:
    figures: dict[str, object] = {}
    for db in dbs:
        proc = subprocess.run(  # noqa: S603 - this very script, with our own arguments
            [sys.executable, __file__, "--db-worker", db, "--tickets", str(count)],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{db} section failed:\n{proc.stderr}")
        for key, value in json.loads(proc.stdout.strip().splitlines()[-1]).items():
            figures[f"{db}_{key}"] = value
    return figures


def _cpus() -> str:
    return ",".join(str(c) for c in sorted(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else ""


def _databases(choice: str) -> list[str]:
    return {"both": ["sqlite", "postgres"], "none": []}.get(choice, [choice])


SECTIONS: dict[str, Callable[[argparse.Namespace], dict[str, object]]] = {
    "deadlines": lambda args: bench_deadlines(args.count, args.repeats),
    "recompute": lambda args: bench_recompute(_databases(args.db), args.tickets),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300_000, help="deadlines per timed run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both", "none"), default="both",
                        help="databases for the recompute section")
    parser.add_argument("--tickets", type=int, default=100_000, help="open tickets for the recompute section")
    parser.add_argument("--db-worker", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.db_worker:
        if os.environ.get("B4_CPUS") and hasattr(os, "sched_setaffinity"):
            # The recompute is a whole-system figure: undo the parent's one-core pin.
            os.sched_setaffinity(0, {int(c) for c in os.environ["B4_CPUS"].split(",")})
        print(json.dumps(db_worker(args.db_worker, args.tickets)))
        return 0

    cpus = _cpus()
    core = pin_to_one_core()
    os.environ["B4_CPUS"] = cpus
    info = machine()
    print(f"machine: {info['platform']}; {info['cpu']}; {info['cores']} cores; Python {info['python']}; "
          f"load average {info['loadavg_1min']}")
    print(f"pinned to core: {core}")
    figures: dict[str, object] = {"machine": info, "pinned_core": core}
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        result = section(args)
        for key, value in result.items():
            print(f"{name}.{key}: {value:,}" if isinstance(value, int | float) else f"{name}.{key}: {value}")
        figures[name] = result
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
