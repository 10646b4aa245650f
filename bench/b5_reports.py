"""B5: the monthly report over a large history.

Run from the repository root: `.venv/bin/python bench/b5_reports.py [--db sqlite|postgres|both]
[--tickets N] [--pg-db NAME]` (defaults: 100,000 tickets on SQLite, 1,000,000 on PostgreSQL). Prints each figure,
the machine, and ends with one line of JSON holding every figure.

Each database runs in a child process of this script on a throwaway database (a temporary SQLite
file, or `--pg-db` (default `sd_bench_b5`) on 127.0.0.1:5432, user postgres, dropped afterwards). The history is
bulk-loaded (PostgreSQL COPY, SQLite executemany), not through the services: N tickets spread
over the 24 months before December 2026, each with three messages (the customer's request, its
acknowledgment event, the agent's reply), the reply figure the reply service stores, and three
status changes (new, open, solved; the last fortnight's tickets stay open, one in ten waits for
the customer). Reply times are drawn in business time and placed with the office calendar.

Timed: building the four reports of the monthly report for November 2026 as a supervisor sees it
(everything, broken down by week): the first run (cold caches) and the best of three.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time as clock
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from machine import cpu_model  # bench/machine.py (the script's folder is on sys.path)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OFFICE = ZoneInfo("Asia/Novosibirsk")
HISTORY_START = datetime(2024, 12, 1, tzinfo=OFFICE)
HISTORY_END = datetime(2026, 12, 1, tzinfo=OFFICE)
MONTH = date(2026, 11, 1)
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "sd_bench_b5"  # the default of --pg-db
CUSTOMERS = 10_000
AGENTS = 20
BATCH = 5_000
SEED = 5
ITEMS = ("description", "steps", "version", "settings")


def machine() -> dict[str, object]:
    return {"platform": platform.platform(), "cpu": cpu_model(), "cores": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None}


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _load(model: type, template: object, varying: list[str], rows: Iterator[tuple[object, ...]]) -> int:
    """Insert rows: COPY on PostgreSQL, executemany on SQLite. Constant columns come from a template
    instance (prepared once), the varying ones as given (datetimes aware, JSON as text)."""
    from django.db import connection, transaction

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]  # type: ignore[attr-defined]
    postgres = connection.vendor == "postgresql"
    constant: dict[str, object] = {}
    for f in fields:
        if f.attname in varying:
            continue
        value = getattr(template, f.attname)
        if f.get_internal_type() == "JSONField":
            constant[f.attname] = json.dumps(value)
        else:
            constant[f.attname] = f.get_db_prep_save(value, connection)
    order = [f.attname for f in fields]
    positions = {name: i for i, name in enumerate(varying)}
    table = connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]
    columns = [connection.ops.quote_name(f.column) for f in fields]
    count = 0
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[positions[c]] if c in positions else constant[c] for c in order])
                    count += 1
        else:
            sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                   f"VALUES ({', '.join(['%s'] * len(columns))})")
            batch: list[list[object]] = []
            for row in rows:
                batch.append([adapt(v) if isinstance(v, datetime) else v
                              for v in (row[positions[c]] if c in positions else constant[c] for c in order)])
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def _history(count: int, agent_ids: list[int], customer_ids: list[int], product_ids: list[int]) -> dict[str, list]:
    """Every row of the history, in id order (a fresh database numbers them 1, 2, 3, ...)."""
    from supportdesk.policy import get_policy
    from supportdesk.tickets.clocks import office_calendar, reply_timing_ts

    cal = office_calendar()
    sla = get_policy().sla.policy_for(priority="normal", tier="")
    rng = random.Random(SEED)
    start, end = HISTORY_START.timestamp(), HISTORY_END.timestamp()
    fortnight = end - 14 * 86400
    tickets, messages, figures, changes = [], [], [], []
    stamps = sorted(rng.uniform(start, end) for _ in range(count))
    for i, ts in enumerate(stamps):
        pk = i + 1
        received = datetime.fromtimestamp(ts, UTC)
        replied_ts = cal.add_business_seconds_ts(ts, rng.choice((0.5, 1, 2, 4, 6, 8, 12, 20)) * 3600 * rng.uniform(0.5, 1.5))
        replied = datetime.fromtimestamp(replied_ts, UTC)
        timing = reply_timing_ts(cal, sla, ts, replied_ts)
        agent = agent_ids[i % len(agent_ids)]
        missing = [k for k in ITEMS if rng.random() < 0.3]
        checklist = {k: {"present": k not in missing or rng.random() < 0.5, "source": "auto", "evidence": ""}
                     for k in ITEMS}
        open_ticket = ts > fortnight
        status = ("waiting_customer" if i % 10 == 0 else "open") if open_ticket else "solved"
        solved_ts = None if open_ticket else cal.add_business_seconds_ts(replied_ts, rng.uniform(1, 30) * 3600)
        solved = datetime.fromtimestamp(solved_ts, UTC) if solved_ts else None
        resolution = cal.business_seconds_between_ts(ts, solved_ts) if solved_ts else None
        tickets.append((f"Заявка {i}", customer_ids[i % len(customer_ids)], "email", status, agent,
                        product_ids[i % len(product_ids)], json.dumps(checklist), all(c["present"] for c in checklist.values()),
                        received, replied, resolution, 0.0 if solved else None, 0.0 if solved else None,
                        received, received, solved, replied))
        messages.append((pk, "incoming", "email", None, False, False, "", "{}", received))
        messages.append((pk, "event", "", None, False, False, "ack_sent",
                         json.dumps({"missing": missing, "articles": ["kb"] if rng.random() < 0.4 else []}), received))
        messages.append((pk, "outgoing", "email", agent, False, True, "", "{}", replied))
        figures.append((pk, 3 * i + 1, 3 * i + 3, agent, received, replied, timing.business_seconds,
                        timing.within_target, timing.within_limit, True))
        changes.append((pk, "", "new", received, None))
        changes.append((pk, "new", "open", replied, agent))
        if solved:
            changes.append((pk, "open", "solved", solved, agent))
        elif status == "waiting_customer":
            changes.append((pk, "open", "waiting_customer", replied, agent))
    return {"tickets": tickets, "messages": messages, "figures": figures, "changes": changes}


def _populate(count: int) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from supportdesk.accounts.roles import ensure_groups
    from supportdesk.catalog.services import catalog_sync_from_policy
    from supportdesk.customers.models import Customer
    from supportdesk.policy import get_policy
    from supportdesk.tickets.models import Message, ReplyFigure, StatusChange, Ticket

    agents_group, _ = ensure_groups()
    users = get_user_model()
    agent_ids = []
    for n in range(AGENTS):
        user = users.objects.create_user(f"agent{n}", f"agent{n}@example.com", "x", first_name=f"Агент {n}")
        user.groups.add(agents_group)
        agent_ids.append(user.pk)
    product_ids = [p.pk for p in catalog_sync_from_policy(get_policy()).values()]
    _load(Customer, Customer(created_at=HISTORY_START), ["name"], ((f"Клиент {i}",) for i in range(CUSTOMERS)))
    customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    started = clock.perf_counter()
    rows = _history(count, agent_ids, customer_ids, product_ids)
    generate_s = clock.perf_counter() - started
    started = clock.perf_counter()
    _load(Ticket, Ticket(updated_at=HISTORY_END), [
        "subject", "customer_id", "channel", "status", "assignee_id", "product_id", "checklist", "checklist_complete",
        "created_at", "first_response_at", "resolution_business_seconds", "waiting_customer_business_seconds",
        "waiting_release_business_seconds", "last_customer_message_at", "updated_at", "solved_at",
        "last_agent_message_at"], iter(rows["tickets"]))
    _load(Message, Message(), ["ticket_id", "kind", "channel", "author_user_id", "is_robot", "answers_customer",
                               "event", "event_data", "created_at"], iter(rows["messages"]))
    _load(ReplyFigure, ReplyFigure(), ["ticket_id", "message_id", "reply_id", "agent_id", "received_at", "replied_at",
                                       "business_seconds", "within_target", "within_limit", "is_first"],
          iter(rows["figures"]))
    _load(StatusChange, StatusChange(), ["ticket_id", "from_status", "to_status", "at", "by_user_id"],
          iter(rows["changes"]))
    load_s = clock.perf_counter() - started
    started = clock.perf_counter()
    with connection.cursor() as cursor:
        # A database in service has been vacuumed and analysed; a fresh bulk load has not.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"tickets": count, "messages": len(rows["messages"]), "reply_figures": len(rows["figures"]),
            "status_changes": len(rows["changes"]), "generate_s": round(generate_s, 1), "load_s": round(load_s, 1),
            "analyze_s": round(clock.perf_counter() - started, 1)}


def db_worker(db: str, count: int, keep: bool = False, reuse: bool = False,
              pg_db: str = PG_BENCH_DB) -> dict[str, object]:
    """``keep``: leave the PostgreSQL database in place afterwards; ``reuse``: time the reports on
    the database a ``keep`` run left (migrated again, not reloaded)."""
    folder = Path(tempfile.mkdtemp(prefix="sd-bench-b5-"))
    os.environ.update({"DJANGO_SETTINGS_MODULE": "supportdesk.settings", "SUPPORTDESK_DEV": "1",
                       "SUPPORTDESK_DATA_DIR": str(folder),
                       "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{pg_db}" if db == "postgres" else ""})
    if db == "postgres" and not reuse:
        _pg_admin(f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {pg_db}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.utils import translation

        from supportdesk.reports.query import ReportQuery, month_range
        from supportdesk.reports.registry import REPORTS, monthly_reports

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            version = str(cursor.fetchone()[0])
        figures: dict[str, object] = {"database": version.split(",")[0]}
        if reuse:
            from supportdesk.tickets.models import Message, Ticket
            figures.update({"tickets": Ticket.objects.count(), "messages": Message.objects.count(), "reused": True})
        else:
            figures.update(_populate(count))
        start, end = month_range(MONTH)
        query = ReportQuery(start=start, end=end, group="week")
        translation.activate("ru")
        timings = []
        for _ in range(4):
            reset_queries()
            started = clock.perf_counter()
            reports = monthly_reports(query)
            timings.append(clock.perf_counter() - started)
        promise = reports[0].table("promise")
        assert promise is not None and promise.total is not None
        figures.update({"monthly_first_s": round(timings[0], 3), "monthly_best_s": round(min(timings[1:]), 3),
                        "messages_answered_in_month": promise.total[1]})
        for key, kind in REPORTS.items():
            best = min(_timed(kind.build, query) for _ in range(2))
            figures[f"{key}_best_s"] = round(best, 3)
        figures["loadavg_1min"] = round(os.getloadavg()[0], 2)
        connection.close()
    finally:
        if db == "postgres" and not keep:
            _pg_admin(f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)")
    return figures


def _timed(build, query) -> float:  # type: ignore[no-untyped-def]
    started = clock.perf_counter()
    build(query)
    return clock.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--tickets", type=int, help="tickets (default: 100,000 on SQLite, 1,000,000 on PostgreSQL)")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the loaded database afterwards")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: time the reports on the kept database")
    parser.add_argument("--pg-db", default=PG_BENCH_DB,
                        help=f"PostgreSQL: the throwaway database's name (default {PG_BENCH_DB}); give each run its own")
    parser.add_argument("--db-worker", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.pg_db):
        parser.error("--pg-db: a lower-case PostgreSQL name (letters, digits, underscores)")
    if args.db_worker:
        print(json.dumps(db_worker(args.db_worker, args.tickets, keep=args.keep, reuse=args.reuse,
                                   pg_db=args.pg_db)))
        return 0
    info = machine()
    print(f"machine: {info['platform']}; {info['cpu']}; {info['cores']} cores; Python {info['python']}; "
          f"load average {info['loadavg_1min']}")
    figures: dict[str, object] = {"machine": info}
    for db in {"both": ["sqlite", "postgres"]}.get(args.db, [args.db]):
        count = args.tickets or (100_000 if db == "sqlite" else 1_000_000)
        proc = subprocess.run(  # noqa: S603 - this very script, with our own arguments
            [sys.executable, __file__, "--db-worker", db, "--tickets", str(count), "--pg-db", args.pg_db,
             *(["--keep"] if args.keep else []), *(["--reuse"] if args.reuse else [])],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{db} failed:\n{proc.stderr}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        for key, value in result.items():
            print(f"{db}.{key}: {value:,}" if isinstance(value, int | float) else f"{db}.{key}: {value}")
        figures[db] = result
    limits = {"sqlite": 1.0, "postgres": 2.0}
    for db, limit in limits.items():
        if db in figures:
            best = figures[db]["monthly_best_s"]  # type: ignore[index]
            print(f"{db}: monthly report {best} s (goal ≤ {limit} s): {'met' if best <= limit else 'MISSED'}")
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
