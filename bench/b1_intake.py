"""B1: mail intake throughput and correctness, the workloads of ../shared/bench/peer/README.md.

    .venv/bin/python bench/b1_intake.py [--db sqlite pg] [--mode bulk arrival warm]
                                        [--messages 2000 20000] [--runs 3]

Each run is a fresh process on an empty migrated database (a copy of a template: SQLite
file copy, PostgreSQL ``CREATE DATABASE … TEMPLATE``); only the ingest is timed.

- bulk: every corpus file is in one folder and one import pass runs (``supportdesk mail
  import``'s code: store all raw bytes, then process in Date order, one transaction per mail).
- arrival: the files are delivered one at a time in corpus order and each is ingested
  (store, parse, route, commit) before the next one: ``ingest_raw`` per message.
- warm: bulk into a copy of the 100k-ticket B2 database (PostgreSQL only).
- arrival with ``--concurrency N`` (N > 1): as an MTA delivers, N concurrent LMTP clients (a
  separate process, one persistent connection each, taking the next corpus file in corpus
  order) deliver to our LMTP server (``IntakeServer`` with its default ingest workers, one per
  core, each with its own database connection) running in the measured process; each 250 is answered only after the
  mail is committed. Timed from the first connection to the last 250.

Full processing is on: the app's ``request_received`` receivers (acknowledgment into the
outbox, completeness check) run exactly as in production. The outcomes JSONL is scored by
../shared/bench/score_b1.py; the peer's figures come from its results file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from machine import cpu_model  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench next to the checkout (a git worktree may sit deeper: the nearest one up).
SHARED = next((p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
              (ROOT / ".." / "shared" / "bench").resolve())
PEER_RESULTS = SHARED / "peer" / "results" / "b1_summary.json"  # as published with the harness
# Written by ../shared/bench/peer/run_b1.sh on this machine: preferred, so the ratio compares
# runs made back to back on one machine (the published figures are from another day).
PEER_LOCAL = Path("/tmp/peer/results/b1/summary.json")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BASE = "postgres://postgres@127.0.0.1:5432/"
# Several people benchmarking on one PostgreSQL server: B1_PG_PREFIX keeps their databases apart.
PG_PREFIX = os.environ.get("B1_PG_PREFIX", "sd_b1")
WORK = Path(os.environ.get("B1_WORK", tempfile.gettempdir())) / "sd_b1"
PEER_KEY = {("sqlite", "bulk"): "sqlite_bulk", ("sqlite", "arrival"): "sqlite_arrival",
            ("pg", "bulk"): "pg_bulk", ("pg", "arrival"): "pg_arrival", ("pg", "warm"): "pg_bulk_peer_b2"}


# ----------------------------------------------------------------- machine ----

def machine(db_versions: dict[str, str]) -> dict[str, object]:
    cpu = cpu_model()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), **db_versions}


# ------------------------------------------------------------------ corpus ----

def corpus(messages: int) -> Path:
    out = WORK / f"corpus_{messages}"
    if not (out / "manifest.jsonl").exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, str(SHARED / "gen_mail_corpus.py"), str(out), "--messages",
                        str(messages), "--seed", "42"], check=True, stdout=subprocess.DEVNULL)
    return out


# --------------------------------------------------------------- databases ----

def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, SUPPORTDESK_DEV="1", PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="supportdesk.settings",
               CELERY_BROKER_URL="memory://", SUPPORTDESK_LOG_LEVEL="WARNING")
    env.update(extra)
    return env


def _migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True, cwd=ROOT)


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _migrations_fingerprint() -> str:
    """Changes whenever any app's migrations change: a template older than them is rebuilt."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "supportdesk").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def sqlite_template() -> Path:
    data = WORK / "sqlite_template"
    db = data / "supportdesk.sqlite3"
    stamp = data / "migrations.sha256"
    fingerprint = _migrations_fingerprint()
    if not db.exists() or not stamp.exists() or stamp.read_text() != fingerprint:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        _migrate(_env(SUPPORTDESK_DATA_DIR=str(data), DATABASE_URL=""))
        stamp.write_text(fingerprint)
    return db


def pg_template() -> str:
    name = f"{PG_PREFIX}_template"
    _pg(f'DROP DATABASE IF EXISTS "{name}"')
    _pg(f'CREATE DATABASE "{name}"')
    _migrate(_env(SUPPORTDESK_DATA_DIR=str(WORK / "pg_template"), DATABASE_URL=PG_BASE + name))
    return name


def db_versions() -> dict[str, str]:
    import sqlite3

    out = {"sqlite": sqlite3.sqlite_version}
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            out["postgresql"] = str(row[0]) if row else "?"
    except Exception as exc:  # noqa: BLE001 - reported, the SQLite runs still go ahead
        out["postgresql"] = f"unavailable ({exc.__class__.__name__})"
    return out


# ------------------------------------------------------------------- a run ----

def run_once(*, db: str, mode: str, corpus_dir: Path, template: str, run: int,
             concurrency: int = 1) -> dict[str, object]:
    data = WORK / f"run_{db}_{mode}_{run}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if db == "sqlite":
        shutil.copy(template, data / "supportdesk.sqlite3")
        url = ""
    else:
        name = f"{PG_PREFIX}_{mode}_{run}"
        _pg(f'DROP DATABASE IF EXISTS "{name}"')
        _pg(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = PG_BASE + name
    out = data / "result.json"
    load_before = os.getloadavg()  # other people's benchmarks share this machine
    with (data / "intake.log").open("w") as log:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", "--mode", mode, "--corpus",
                        str(corpus_dir), "--out", str(out), "--concurrency", str(concurrency)],
                       env=_env(SUPPORTDESK_DATA_DIR=str(data), DATABASE_URL=url), cwd=ROOT, check=True,
                       stderr=log)
    result: dict[str, object] = json.loads(out.read_text())
    result["load_before"] = [round(x, 2) for x in load_before]
    if db == "pg":
        _pg(f'DROP DATABASE IF EXISTS "{name}"')
    shutil.rmtree(data / "attachments", ignore_errors=True)
    return result


def child(mode: str, corpus_dir: Path, out: Path, concurrency: int = 1) -> None:
    """One timed ingest in this process, then outcomes, score and figures into ``out``."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models.signals import post_save

    from supportdesk.mail.importer import import_source, ingest_one_by_one, open_local_source
    from supportdesk.outbox.models import OutgoingMail
    from supportdesk.tickets.signals import request_received

    # Notifications per message: outbox rows written while that message was placed. Our
    # receiver is connected last, so it runs after the app's own (acknowledgment) receivers.
    # Per thread: concurrent deliveries are ingested in several threads at once; and in several
    # worker processes (forked: they inherit these receivers), so each count is appended to a
    # file (one short line per write, O_APPEND) and read back after the run.
    local = threading.local()
    counts_file = out.parent / "notifications.txt"
    counts_file.write_text("")

    def written() -> list[int]:
        if not hasattr(local, "written"):
            local.written = []
        return local.written  # type: ignore[no-any-return]

    def on_outbox(sender: object, instance: OutgoingMail, created: bool, **kw: object) -> None:
        if created:
            written().append(instance.pk)

    def on_request(sender: object, message: object, **kw: object) -> None:
        line = f"{message.pk} {len(written())}\n".encode()  # type: ignore[attr-defined]
        fd = os.open(counts_file, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        written().clear()

    if os.environ.get("B1_INTAKE_ONLY") == "1":
        # Diagnostic only: the intake alone, without other modules' receivers (ack, checklist,
        # search index). Never the headline figure: full processing is the workload.
        from supportdesk.tickets.models import Message, Ticket

        request_received.receivers.clear()
        request_received.sender_receivers_cache.clear()
        for model in (Ticket, Message):
            for uid in ("search_ticket_saved", "search_message_saved"):
                post_save.disconnect(sender=model, dispatch_uid=uid)
    post_save.connect(on_outbox, sender=OutgoingMail, weak=False)
    request_received.connect(on_request, weak=False)
    manifest = [json.loads(line) for line in (corpus_dir / "manifest.jsonl").read_text().splitlines() if line]
    source = open_local_source(corpus_dir)
    queries_before = _query_count(connection)
    extra: dict[str, object] = {}
    if mode == "arrival" and concurrency > 1:
        summary, wall, extra = deliver_over_lmtp(corpus_dir, concurrency)
    else:
        t0 = time.perf_counter()
        summary = import_source(source) if mode in ("bulk", "warm") else ingest_one_by_one(source)
        wall = time.perf_counter() - t0
    # A mail placed twice (an optimistic attempt redone) counts as its committed message: the
    # last line of a pk (a rolled-back attempt's pk is never committed, so never looked up).
    per_message = {int(pk): int(n) for pk, n in (line.split() for line in counts_file.read_text().splitlines())}
    outcomes = dump_outcomes(per_message)
    (out.parent / "outcomes.jsonl").write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in outcomes))
    sys.path.insert(0, str(SHARED))
    from score_b1 import score  # type: ignore[import-not-found]

    res = score(manifest, outcomes)
    res.update(wall_s=round(wall, 3), messages_per_s=round(len(manifest) / wall, 1), summary=summary.as_dict(),
               queries=_query_count(connection) - queries_before, outbox_rows=OutgoingMail.objects.count(),
               db_vendor=connection.vendor, concurrency=concurrency, **extra)
    out.write_text(json.dumps(res, ensure_ascii=False))


def deliver_over_lmtp(corpus_dir: Path, concurrency: int) -> tuple[object, float, dict[str, object]]:
    """Our LMTP server in this process, ``concurrency`` LMTP clients in another one."""
    from supportdesk.mail.backends.lmtp import IntakeHandler, IntakeServer
    from supportdesk.mail.importer import ImportSummary
    from supportdesk.mail.models import InboundMail
    from supportdesk.testing.servers import free_port

    handler = IntakeHandler(source="lmtp")  # its default workers, as ``supportdesk mail lmtp`` runs it
    with IntakeServer(port=free_port(), handler=handler) as server:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--lmtp-client", "--port",
                               str(server.port), "--corpus", str(corpus_dir), "--concurrency", str(concurrency)],
                              check=True, capture_output=True, text=True)
    client = json.loads(done.stdout.strip().splitlines()[-1])
    summary = ImportSummary()
    for state, opened in InboundMail.objects.values_list("state", "opened_ticket"):
        summary.add("threaded" if state == "ticketed" and not opened else str(state))
    return summary, float(client["wall_s"]), {"delivery": f"{concurrency} concurrent LMTP clients",
                                              "lmtp_workers": handler.workers, "lmtp_replies": client["replies"]}


def lmtp_client(port: int, corpus_dir: Path, concurrency: int) -> None:
    """The MTA's side: ``concurrency`` connections, each delivering the next file in corpus order."""
    import smtplib

    files = iter(sorted(p for p in corpus_dir.glob("*.eml")))
    take = threading.Lock()
    replies: dict[str, int] = {}

    def deliver() -> None:
        client = smtplib.LMTP("127.0.0.1", port, timeout=120)
        try:
            while True:
                with take:
                    path = next(files, None)
                if path is None:
                    break
                raw = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                try:
                    client.sendmail("mta@b1.example", ["support@b1.example"], raw)
                    code = 250
                except smtplib.SMTPException as exc:
                    code = int(getattr(exc, "smtp_code", 0) or 0)
                with take:
                    replies[str(code)] = replies.get(str(code), 0) + 1
        finally:
            client.quit()

    threads = [threading.Thread(target=deliver) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"wall_s": time.perf_counter() - t0, "replies": replies}))


def _query_count(connection: object) -> int:
    return -1  # counting queries would slow the timed part; the profile gives them


def dump_outcomes(per_message: dict[int, int]) -> list[dict[str, object]]:
    """One line per stored inbound message, in score_b1.py's format."""
    from supportdesk.mail.models import InboundMail
    from supportdesk.mail.parsing import parse_mail
    from supportdesk.tickets.models import Attachment, Message, Ticket

    messages = {m["inbound_id"]: m for m in Message.objects.filter(inbound__isnull=False)
                .values("id", "inbound_id", "body_text", "ticket_id")}
    attachments: dict[int, list[dict[str, object]]] = {}
    for a in Attachment.objects.values("message_id", "filename", "size"):
        attachments.setdefault(a["message_id"], []).append({"filename": a["filename"], "size": a["size"]})
    tickets = {t["id"]: t for t in Ticket.objects.values("id", "subject", "contact_email")}
    outcomes = []
    for row in InboundMail.objects.values("id", "message_id", "ticket_id", "opened_ticket", "state"):
        msg = messages.get(row["id"])
        ticket = tickets.get(row["ticket_id"]) if row["ticket_id"] else None
        if msg is not None:
            text = msg["body_text"]
        else:  # a robot's mail on no ticket: kept raw, shown parsed in the robots list
            raw = InboundMail.objects.values_list("raw", flat=True).get(pk=row["id"])
            text = parse_mail(bytes(raw)).text
        outcomes.append({
            "message_id": f"<{row['message_id']}>",
            "ticket": str(row["ticket_id"]) if row["ticket_id"] else None,
            "opened_ticket": bool(row["opened_ticket"]),
            "title": ticket["subject"] if ticket and row["opened_ticket"] else None,
            "submitter": ticket["contact_email"] if ticket and row["opened_ticket"] else None,
            "text": text,
            "attachments": attachments.get(msg["id"], []) if msg else [],
            "notifications": per_message.get(msg["id"], 0) if msg else 0,
            "state": row["state"],
        })
    return outcomes


# -------------------------------------------------------------------- main ----

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", nargs="+", default=["sqlite", "pg"], choices=["sqlite", "pg"])
    ap.add_argument("--mode", nargs="+", default=["bulk", "arrival"], choices=["bulk", "arrival", "warm"])
    ap.add_argument("--messages", nargs="+", type=int, default=[2000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=1,
                    help="arrival: this many concurrent LMTP deliveries (1: ingest_raw per file, in turn)")
    ap.add_argument("--lmtp-client", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--intake-only", action="store_true",
                    help="diagnostic: disconnect other modules' receivers (not the B1 workload)")
    ap.add_argument("--peer-results", help="the peer's b1 summary.json (default: this machine's run of "
                    f"run_b1.sh at {PEER_LOCAL} if present, else the published {PEER_RESULTS.name})")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.lmtp_client:
        lmtp_client(args.port, Path(args.corpus), args.concurrency)
        return
    if args.child:
        child(args.mode[0], Path(args.corpus), Path(args.out), args.concurrency)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    if args.intake_only:
        os.environ["B1_INTAKE_ONLY"] = "1"
    versions = db_versions()
    peer_file = Path(args.peer_results) if args.peer_results else (PEER_LOCAL if PEER_LOCAL.exists() else PEER_RESULTS)
    peer = json.loads(peer_file.read_text()) if peer_file.exists() else {}
    print("machine:", json.dumps(machine(versions), ensure_ascii=False))
    print("peer figures from:", peer_file if peer else "(none)")
    figures: dict[str, object] = {"machine": machine(versions), "runs": args.runs, "peer_results": str(peer_file),
                                  "processing": "intake only (diagnostic)" if args.intake_only else "full"}
    for messages in args.messages:
        corpus_dir = corpus(messages)
        for db in args.db:
            template = str(sqlite_template()) if db == "sqlite" else pg_template()
            for mode in args.mode:
                if mode == "warm" and db != "pg":
                    continue
                source = warm_template() if mode == "warm" else template
                conc = args.concurrency if mode == "arrival" else 1
                results = [run_once(db=db, mode=mode, corpus_dir=corpus_dir, template=source, run=r,
                                    concurrency=conc)
                           for r in range(args.runs)]
                key = f"{db}_{mode}_c{conc}_{messages}" if conc > 1 else f"{db}_{mode}_{messages}"
                figures[key] = report(db, mode, messages, results, peer)
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))


def warm_template() -> str:
    from b1_warm import warm_template_db  # type: ignore[import-not-found]

    return warm_template_db(WORK, _env, _pg, PG_BASE)  # type: ignore[no-any-return]


def report(db: str, mode: str, messages: int, results: list[dict], peer: dict) -> dict[str, object]:
    rates = [float(r["messages_per_s"]) for r in results]
    median = sorted(results, key=lambda r: float(r["messages_per_s"]))[len(results) // 2]
    peer_row = peer.get(PEER_KEY.get((db, mode), ""), {}) if messages == 2000 else {}
    peer_rate = peer_row.get("messages_per_s_median")
    thr = median["replies_by_threading"]
    fig = {
        "msg_per_s_median": statistics.median(rates), "msg_per_s_runs": rates,
        "load_1min_before_runs": [r.get("load_before", [None])[0] for r in results],
        "wall_s_median": statistics.median(float(r["wall_s"]) for r in results),
        "tickets_opened": median["tickets_opened"], "new_requests_opened_ticket": median["new_requests_opened_ticket"],
        "replies_threaded_ok": median["replies_threaded_ok"], "replies": median["replies"],
        "threading": {k: f"{v['threaded_ok']}/{v['n']}" for k, v in thr.items()},
        "autoreplies_ticketed": median["autoreplies_ticketed"],
        "notifications_to_autoreplies": median["notifications_sent_to_autoreplies"],
        "notifications_total": median["notifications_total"],
        "probe_ok": median["text_probe_ok"], "garbled": median["text_garbled"],
        "attachments": f"{median['attachments_stored']}/{median['attachments_expected']}",
        "not_stored": median["not_stored"], "summary": median["summary"],
        "title_ok": f"{median['title_ok']}/{median['title_checked']}",
        "sender_ok": median["sender_ok"],
        "peer_msg_per_s": peer_rate,
        "ratio_vs_peer": round(statistics.median(rates) / peer_rate, 1) if peer_rate else None,
    }
    conc = results[0].get("concurrency", 1)
    if conc != 1:
        fig["concurrency"] = conc
        fig["delivery"] = results[0].get("delivery")
    print(f"{db:6} {mode:7} c={conc} n={messages:<6} {fig['msg_per_s_median']:8.1f} msg/s (runs {rates}) "
          f"peer {peer_rate} → ×{fig['ratio_vs_peer']} | threaded {fig['replies_threaded_ok']}/{fig['replies']} "
          f"{fig['threading']} | autoreplies ticketed {fig['autoreplies_ticketed']} | probe {fig['probe_ok']} "
          f"garbled {fig['garbled']} | attachments {fig['attachments']} | not stored {fig['not_stored']} "
          f"| notifications {fig['notifications_total']} (to robots {fig['notifications_to_autoreplies']}) "
          f"| load before runs {fig['load_1min_before_runs']}", flush=True)
    return fig


if __name__ == "__main__":
    main()
