"""B1 per-mail costs: round trips, our CPU and the database server's CPU, plus a profile.

    .venv/bin/python bench/b1_profile.py [--db pg sqlite] [--mode arrival bulk] [--messages 2000]
                                         [--profile FILE.pstats] [--top 30]

Wall throughput on a shared 2-core machine moves with everybody else's load; these figures
do not (much): per mail, the statements sent to the database (``connection.execute_wrapper``
on every connection; a statement is one round trip), the CPU time of this process (and of
the import's parser child), on PostgreSQL the CPU time of the server backends serving our
connections (``/proc/<pg_backend_pid>/stat``, the server runs on this machine), and the time
spent inside each statement shape's execute (driver, round trip and server work). The
workloads are b1_intake.py's, in one thread (arrival: ``ingest_raw`` per file; bulk:
``import_source``), full processing, on a fresh copy of its template database.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from b1_intake import PG_BASE, PG_PREFIX, WORK, _env, _pg, corpus, pg_template, sqlite_template

ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


def _backend_cpu_s(pids: set[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime
    return total


_PLACEHOLDER = re.compile(r"%s|\$\d+|'[^']*'|\b\d+\b")


def _shape(sql: str) -> str:
    """A statement's shape: its SQL with values and placeholders blanked, cut to 120 characters."""
    return " ".join(_PLACEHOLDER.sub("?", sql).split())[:120]


def child(mode: str, corpus_dir: Path, out: Path, profile: str | None) -> None:
    import django

    django.setup()
    from django.db import connection, connections
    from django.db.backends.signals import connection_created

    from supportdesk.mail.importer import import_source, ingest_one_by_one, open_local_source

    lock = threading.Lock()
    counts = {"statements": 0}
    shapes: Counter[str] = Counter()  # statement shape (its SQL with the values blanked) -> count
    waits: Counter[str] = Counter()  # shape -> seconds inside execute (driver, round trip, server)
    backends: set[int] = set()

    def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        shape = _shape(sql)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            with lock:
                counts["statements"] += 1
                shapes[shape] += 1
                waits[shape] += spent

    def on_connect(sender: object, connection: object, **kw: object) -> None:
        connection.execute_wrappers.append(counter)  # type: ignore[attr-defined]
        if connection.vendor == "postgresql":  # type: ignore[attr-defined]
            with connection.connection.cursor() as cur:  # type: ignore[attr-defined]
                cur.execute("SELECT pg_backend_pid()")
                backends.add(int(cur.fetchone()[0]))

    connection_created.connect(on_connect, weak=False)
    connections.close_all()
    connection.ensure_connection()
    files = len(list(corpus_dir.glob("*.eml")))
    source = open_local_source(corpus_dir)
    prof = cProfile.Profile(time.process_time) if profile else None  # CPU time, not wall (shared machine)
    server0 = _backend_cpu_s(backends)
    cpu0, kids0 = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    summary = import_source(source) if mode == "bulk" else ingest_one_by_one(source)
    if prof:
        prof.disable()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    kids = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
    server = _backend_cpu_s(backends) - server0
    if prof and profile:
        prof.dump_stats(profile)
    res = {"mode": mode, "vendor": connection.vendor, "messages": files, "summary": summary.as_dict(),
           "statements_per_mail": round(counts["statements"] / files, 2),
           "cpu_ms_per_mail": round(1000 * cpu / files, 2), "parser_child_cpu_ms_per_mail": round(1000 * kids / files, 2),
           "db_server_cpu_ms_per_mail": round(1000 * server / files, 2) if backends else None,
           "wall_s": round(wall, 2), "msg_per_s": round(files / wall, 1), "profiled": bool(prof),
           "load": [round(x, 2) for x in os.getloadavg()],
           "statements_by_shape_per_mail": {k: round(v / files, 3) for k, v in shapes.most_common(40)},
           "statement_ms_by_shape_per_mail": {k: round(1000 * waits[k] / files, 3) for k, _n in shapes.most_common(40)},
           "statement_ms_per_mail": round(1000 * sum(waits.values()) / files, 3)}
    out.write_text(json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="pg", choices=["pg", "sqlite"])
    ap.add_argument("--mode", default="arrival", choices=["arrival", "bulk"])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--profile", help="write a cProfile of the ingest here (slows it: CPU figures then include it)")
    ap.add_argument("--top", type=int, default=35)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.mode, Path(args.corpus), Path(args.out), args.profile)
        return
    corpus_dir = corpus(args.messages)
    data = WORK / f"profile_{args.db}_{args.mode}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if args.db == "pg":
        template = pg_template()
        name = f"{PG_PREFIX}_profile"
        _pg(f'DROP DATABASE IF EXISTS "{name}"')
        _pg(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = PG_BASE + name
    else:
        shutil.copy(sqlite_template(), data / "supportdesk.sqlite3")
        url = ""
    out = data / "result.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--mode", args.mode, "--corpus", str(corpus_dir),
           "--out", str(out)]
    if args.profile:
        cmd += ["--profile", str(Path(args.profile).resolve())]
    with (data / "log").open("w") as log:
        subprocess.run(cmd, env=_env(SUPPORTDESK_DATA_DIR=str(data), DATABASE_URL=url), cwd=ROOT, check=True, stderr=log)
    if args.db == "pg":
        _pg(f'DROP DATABASE IF EXISTS "{name}"')
    shutil.rmtree(data / "attachments", ignore_errors=True)
    result = json.loads(out.read_text())
    waits = result["statement_ms_by_shape_per_mail"]
    print(f"{'per mail':>9} {'ms/mail':>8}  statement shape")
    for shape, per_mail in result["statements_by_shape_per_mail"].items():
        print(f"{per_mail:9.3f} {waits.get(shape, 0):8.3f}  {shape}")
    print(f"{'':9} {result['statement_ms_per_mail']:8.3f}  (every statement)")
    print(json.dumps(result))
    if args.profile:
        stats = pstats.Stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
