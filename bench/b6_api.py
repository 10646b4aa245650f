#!/usr/bin/env python3
"""B6: the REST API at 100,000 tickets: the ticket list (the queue, by cursor) and one ticket
with its conversation, p50/p95, through the real Django stack (token auth, scopes, throttle in
the shared cache, the audit entry every call writes).

    .venv/bin/python bench/b6_api.py --db sqlite   --tickets 100000
    .venv/bin/python bench/b6_api.py --db postgres --tickets 100000   # database sd_bench_b6

The dataset and its loading are B2's (bench/b2_workspace.py: the same generator, seed, teams,
tags); the database is this benchmark's own (a temp SQLite file, PostgreSQL ``sd_bench_b6``).
Timed as agent01 (an agent of one team) and supervisor01 (every team), each with an API token:
--warmup requests, then --requests sequential requests per endpoint. Goal: p95 <= 50 ms.
The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import b2_workspace as b2  # bench/ is on sys.path (the script's own folder)

GOAL_P95_MS = 50.0


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", default="/tmp/b2data", help="where the generated B2 dataset lives")
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--reuse", action="store_true", help="PostgreSQL: keep an already loaded database")
    ap.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--pg-db", default="sd_bench_b6", help="PostgreSQL database name")
    return ap.parse_args()


def _time(client, urls: list[str], requests: int, warmup: int) -> dict:
    from benchstats import summarize
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warmup):
        client.get(urls[i % len(urls)])
    samples, size = [], 0
    for i in range(requests):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        size = len(response.content)
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[0])
    return {**summarize(samples), "queries": len(ctx.captured_queries), "bytes": size}


def run_endpoints(*, username: str, requests: int, warmup: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from supportdesk.api.tokens import token_issue
    from supportdesk.tickets.models import OPEN_STATUSES
    from supportdesk.tickets.selectors import visible_tickets

    user = get_user_model().objects.get(username=username)
    token = token_issue(name=f"bench {username}", user=user, scopes="all", by_user=None,
                        rate_per_minute=100_000).clear
    client = Client(headers={"Authorization": f"Bearer {token}"})
    first = "/api/v1/tickets/"
    url, page = first, 1
    while page < 50:  # the 50th page, by following the cursor
        nxt = client.get(url).json()["next"]
        if not nxt:
            break
        url = nxt.removeprefix("http://testserver")
        page += 1
    open_ids = list(visible_tickets(user=user).filter(status__in=OPEN_STATUSES).order_by("id")
                    .values_list("id", flat=True)[::1000][:requests])
    return {
        "list_first_page": _time(client, [first], requests, warmup),
        "list_page_50": {**_time(client, [url], requests, warmup), "page": page},
        "list_tag_common": _time(client, [first + "?tag=sdi"], requests, warmup),
        "list_newest": _time(client, [first + "?sort=newest&page_size=100"], requests, warmup),
        "read_ticket": _time(client, [f"/api/v1/tickets/{pk}/" for pk in open_ids], requests, warmup),
    }


def main() -> None:
    args = parse_args()
    data = b2.dataset_dir(args)
    db_name = b2.configure(args)
    must_load = b2.pg_create(args, db_name) if args.db == "postgres" else True

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    load_s = None
    if must_load:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        b2.load_dataset(data, vendor=connection.vendor)
        load_s = round(time.perf_counter() - started, 1)
        print(f"loaded {data.name} in {load_s} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()")
        db_version = cur.fetchone()[0].split(" on ")[0]
    info = b2.machine(db_version)
    print(f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['database']}")
    agent = run_endpoints(username="agent01", requests=args.requests, warmup=args.warmup)
    supervisor = run_endpoints(username="supervisor01", requests=args.requests, warmup=args.warmup)
    load = [round(x, 2) for x in os.getloadavg()]
    worst = max(f["p95_ms"] for figs in (agent, supervisor) for f in figs.values())
    for who, figs in (("agent of one team", agent), ("supervisor", supervisor)):
        print(f"as {who}:")
        for name, fig in figs.items():
            print(f"  {name:18s} p50 {fig['p50_ms']:7.2f} ms   p95 {fig['p95_ms']:7.2f} ms   "
                  f"queries {fig['queries']}   {fig['bytes']} bytes")
    print(f"load average {load}; worst p95 {worst:.1f} ms, goal {GOAL_P95_MS:.0f} ms: "
          f"{'met' if worst <= GOAL_P95_MS else 'NOT met'}")
    print(json.dumps({"benchmark": "B6", "db": args.db, "tickets": args.tickets, "machine": info,
                      "load_average": load, "load_s": load_s, "goal_p95_ms": GOAL_P95_MS,
                      "goal_met": worst <= GOAL_P95_MS, "endpoints": agent, "endpoints_supervisor": supervisor},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
