"""B1 floor: the CPU time per mail of the intake's pure work, with no database writes.

    .venv/bin/python bench/b1_floor.py [--messages 2000] [--peer-results FILE]

What every mail costs before a single row is written, measured stage by stage over the
B1 corpus (seed 42) in one process: parsing (bytes -> parsed mail, text, sanitised HTML,
attachments), the completeness check of rule 5, and for a new request the acknowledgment
(context, templates, MIME composition) and the search terms of its text. The context's
knowledge-base suggestion runs one query against an empty, migrated SQLite database:
that query is the only database work here.

The sum is a floor for full processing: no storage, routing, locking or commit is in it.
Against the B1 goal (10x the peer's messages/s, same mode and database) it gives the
CPU budget per mail the goal leaves and how much of it this floor already takes. Prints
the figures and the machine, and ends with one line of JSON.
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
import time
from datetime import UTC, datetime
from pathlib import Path

from b1_intake import PEER_LOCAL, PEER_RESULTS, WORK, corpus  # the same corpus and peer figures as B1
from machine import cpu_model  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
PEER_KEYS = ("sqlite_bulk", "sqlite_arrival", "pg_bulk", "pg_arrival", "pg_bulk_peer_b2")


def measure(corpus_dir: Path) -> dict[str, float]:
    """Seconds per stage over the whole corpus (customer mails only for check/ack/index)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from supportdesk.checklist import check_request
    from supportdesk.customers.models import Customer
    from supportdesk.lib.timezones import zone_for_offset
    from supportdesk.mail.handlers import attachment_infos
    from supportdesk.mail.ingest import storable
    from supportdesk.mail.parsing import parse_mail
    from supportdesk.outbox.compose import build_message
    from supportdesk.policy import get_policy
    from supportdesk.replies.acknowledgment import ack_context
    from supportdesk.replies.completeness import product_specs
    from supportdesk.replies.rendering import mail_language, render_mail
    from supportdesk.search.text import index_text
    from supportdesk.tickets import clocks
    from supportdesk.tickets.models import Ticket

    manifest = [json.loads(line) for line in (corpus_dir / "manifest.jsonl").read_text().splitlines() if line]
    # The corpus says which mails open a ticket (they get the acknowledgment).
    opens = {m["file"]: m["expected_action"] == "new_ticket" for m in manifest}
    files = sorted(corpus_dir.glob("*.eml"))
    policy = get_policy()
    spent = dict.fromkeys(("parse", "check", "ack_render", "ack_compose", "index_terms"), 0.0)
    counts = dict.fromkeys(spent, 0)
    received = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # a Tuesday, office hours
    for n, path in enumerate(files):
        raw = path.read_bytes()
        t = time.perf_counter()
        parsed = storable(parse_mail(raw))
        spent["parse"] += time.perf_counter() - t
        counts["parse"] += 1
        if parsed.is_robot or parsed.is_spam:
            continue
        end = parsed.quoted_start if parsed.quoted_start is not None else len(parsed.text)
        t = time.perf_counter()
        check_request(text=parsed.text[:end], subject=parsed.subject, attachments=attachment_infos(parsed.attachments),
                      products=product_specs())
        spent["check"] += time.perf_counter() - t
        counts["check"] += 1
        t = time.perf_counter()
        index_text(parsed.text[:end])
        spent["index_terms"] += time.perf_counter() - t
        counts["index_terms"] += 1
        if not opens.get(path.name):
            continue  # a reply: no acknowledgment
        language = mail_language(parsed.language)
        customer = Customer(name=parsed.from_name, timezone=zone_for_offset(parsed.utc_offset) or "")
        target, due = clocks.reply_deadlines(received)
        ticket = Ticket(pk=100000 + n, subject=parsed.subject or "(no subject)", customer=customer,
                        contact_email=parsed.from_addr or "", language=language, created_at=received,
                        reply_pending_since=received, reply_target_at=target, reply_due_at=due, checklist={})
        t = time.perf_counter()
        mail = render_mail("ack", language=language, context=ack_context(ticket, received, language, parsed.text))
        spent["ack_render"] += time.perf_counter() - t
        counts["ack_render"] += 1
        t = time.perf_counter()
        build_message(from_addr=policy.support_email, from_name=policy.support.name, to=[ticket.contact_email],
                      subject=mail.subject, text=mail.text, html=mail.html, reply_to=policy.support_email,
                      in_reply_to=parsed.message_id, references=[*parsed.references, parsed.message_id or ""],
                      automatic=True, auto_submitted="auto-replied", language=mail.language)
        spent["ack_compose"] += time.perf_counter() - t
        counts["ack_compose"] += 1
    return {"messages": len(files), **{f"{k}_s": v for k, v in spent.items()}, **{f"{k}_n": c for k, c in counts.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peer-results")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print("RESULT " + json.dumps(measure(Path(args.child))))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    corpus_dir = corpus(args.messages)
    runs = []
    for _ in range(args.runs):  # a fresh process each time, on an empty migrated SQLite database
        data = Path(tempfile.mkdtemp(prefix="sd_b1_floor_"))
        env = dict(os.environ, SUPPORTDESK_DEV="1", DJANGO_SETTINGS_MODULE="supportdesk.settings", DATABASE_URL="",
                   SUPPORTDESK_DATA_DIR=str(data), PYTHONPATH=str(ROOT), CELERY_BROKER_URL="memory://",
                   SUPPORTDESK_LOG_LEVEL="WARNING")
        out = subprocess.run([sys.executable, __file__, "--child", str(corpus_dir)], env=env, cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(next(x for x in out.splitlines() if x.startswith("RESULT "))[7:]))
        shutil.rmtree(data, ignore_errors=True)
    n = runs[0]["messages"]
    stages = ("parse", "check", "ack_render", "ack_compose", "index_terms")
    per_mail = {s: round(statistics.median(r[f"{s}_s"] for r in runs) / n * 1000, 3) for s in stages}
    floor_ms = round(sum(per_mail.values()), 3)
    peer_file = Path(args.peer_results) if args.peer_results else (PEER_LOCAL if PEER_LOCAL.exists() else PEER_RESULTS)
    peer = json.loads(peer_file.read_text()) if peer_file.exists() else {}
    budget = {}
    for key in PEER_KEYS:
        rate = (peer.get(key) or {}).get("messages_per_s_median")
        if rate:
            allowed = 1000 / (10 * rate)  # ms of wall time per mail at 10x the peer
            budget[key] = {"peer_msg_per_s": rate, "goal_msg_per_s": round(10 * rate, 1),
                           "wall_ms_per_mail_at_goal": round(allowed, 3),
                           "floor_share_of_one_core": round(floor_ms / allowed, 2),
                           "floor_share_of_two_cores": round(floor_ms / (2 * allowed), 2)}
    figures = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "messages": n, "runs": args.runs, "peer_results": str(peer_file),
               "stage_counts": {s: runs[0][f"{s}_n"] for s in stages},
               "ms_per_mail": per_mail, "floor_ms_per_mail": floor_ms,
               "floor_max_msg_per_s_one_core": round(1000 / floor_ms, 1), "goal": budget}
    print("machine:", json.dumps(figures["machine"]))
    print(f"corpus: {n} messages; stages run: {figures['stage_counts']}")
    for s in stages:
        print(f"  {s:12} {per_mail[s]:7.3f} ms per mail (averaged over all {n})")
    print(f"  {'floor':12} {floor_ms:7.3f} ms per mail -> at most {figures['floor_max_msg_per_s_one_core']} msg/s "
          "on one core, before any storage")
    for key, b in budget.items():
        print(f"  goal {key:16} {b['goal_msg_per_s']:7.1f} msg/s = {b['wall_ms_per_mail_at_goal']:.3f} ms per mail; "
              f"the floor alone is {b['floor_share_of_one_core']:.0%} of one core, "
              f"{b['floor_share_of_two_cores']:.0%} of two")
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
