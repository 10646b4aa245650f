"""B3: Russian full-text search latency over 100,000 tickets / ~300,000 messages and
1,000 articles, on SQLite and PostgreSQL.

Run from the repository root: `.venv/bin/python bench/b3_search.py [--tickets 100000]
[--db sqlite --db postgres]`. The dataset is the shared one (`gen_ticket_dataset.py
--seed 1`); each database is loaded in a child process (settings are read at start-up)
with bulk_create, indexed with `reindex`, then every query is run 3 times to warm up and
50 times timed, in-process, through `supportdesk.search.query.search` (the function the
agent's search page calls), first page of 25 with snippets. Queries use word forms other
than the text's. p50/p95 as in ../shared/bench/benchstats.py. Prints the figures and the
machine, and ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from machine import cpu_model  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench next to the checkout (a git worktree may sit deeper: the nearest one up).
SHARED = next((p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
              (ROOT / ".." / "shared" / "bench").resolve())
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SHARED))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "sd_bench_b3"
WARM, TIMED = 3, 50
# Forms absent from the dataset's text ("рассинхронизацию" is there; these are not all).
TICKET_QUERIES = ["рассинхронизациям", "рассинхронизациях звука", "рассинхронизацию видео", "не выводятся титры",
                  "принтера"]
ARTICLE_QUERIES = ["рассинхронизациям", "не выводятся титры", "обновлениями драйвера"]
SUGGEST_TEXT = ("Здравствуйте! После обновления до версии 7.0 наблюдаем рассинхронизацию звука и видео на "
                "втором канале, титры не выводятся на SDI. Что делать?")


def machine(db: str, version: str) -> dict[str, object]:
    cpu = cpu_model()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "db": db, "db_version": version}


def ensure_dataset(tickets: int) -> Path:
    out = Path(tempfile.gettempdir()) / f"sd_b3_dataset_{tickets}"
    if not (out / "dataset.json").exists():
        subprocess.run([sys.executable, str(SHARED / "gen_ticket_dataset.py"), str(out), "--tickets", str(tickets),
                        "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
    return out


def _articles(n: int) -> list[dict[str, str]]:
    topics = ["Рассинхронизация звука и видео", "Не выводятся титры", "Обновление драйвера платы",
              "Перенос лицензии", "Настройка SDI-выхода", "Запись эфира", "Ошибка при запуске",
              "Печать отчётов на принтер"]
    bodies = ["После обновления драйвера проверьте настройки синхронизации.",
              "Вывод титров включается в окне настроек вывода.", "Лицензия переносится через менеджер ключей.",
              "Проверьте кабель и частоту кадров на входе.", "Перезапустите службу и пришлите журнал."]
    return [{"title": f"{topics[i % len(topics)]} ({i})", "body": " ".join(bodies[(i + k) % len(bodies)]
             for k in range(3))} for i in range(n)]


def child_load(dataset: Path) -> dict[str, float]:
    from django.db import connection, transaction

    from supportdesk.customers.models import Customer, CustomerEmail
    from supportdesk.kb.models import Article
    from supportdesk.search.index import reindex
    from supportdesk.tickets.models import Message, Ticket

    status = {1: "open", 2: "open", 3: "solved", 4: "closed", 5: "closed"}
    started = time.monotonic()
    customers: dict[str, int] = {}
    tickets, messages = [], []
    with (dataset / "tickets.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    with transaction.atomic():
        for addr in sorted({r["submitter_email"] for r in rows}):
            c = Customer.objects.create(name=addr.split("@")[0])
            CustomerEmail.objects.create(customer=c, address=addr, is_primary=True)
            customers[addr] = c.pk
    for r in rows:
        tickets.append(Ticket(id=r["id"], subject=r["title"][:300], customer_id=customers[r["submitter_email"]],
                              contact_email=r["submitter_email"], channel="email", status=status[r["status"]],
                              created_at=datetime.fromisoformat(r["created"])))
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    with (dataset / "followups.jsonl").open(encoding="utf-8") as f:
        for line in f:
            fu = json.loads(line)
            messages.append(Message(id=fu["id"], ticket_id=fu["ticket_id"], channel="email",
                                    kind="outgoing" if fu["user"] else "incoming", body_text=fu["comment"],
                                    created_at=datetime.fromisoformat(fu["date"])))
            if len(messages) >= 5000:
                Message.objects.bulk_create(messages)
                messages = []
    Message.objects.bulk_create(messages)
    Article.objects.bulk_create([Article(slug=f"a{i}", title=a["title"], body=a["body"], state="published")
                                 for i, a in enumerate(_articles(1000))])
    loaded = time.monotonic() - started
    started = time.monotonic()
    reindex()
    indexed = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")
    return {"load_s": round(loaded, 1), "reindex_s": round(indexed, 1)}


def child_measure(dataset: Path) -> dict[str, object]:
    from benchstats import summarize
    from django.db import connection

    from supportdesk.kb.suggest import kb_suggest
    from supportdesk.search.query import search

    def timed(fn: object) -> dict[str, float]:
        for _ in range(WARM):
            fn()  # type: ignore[operator]
        samples = []
        for _ in range(TIMED):
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            samples.append(time.perf_counter() - t)
        return summarize(samples)

    out: dict[str, object] = {}
    expected = json.loads((dataset / "dataset.json").read_text())["search"]
    for q in TICKET_QUERIES:
        result = search(q, kind="ticket", limit=25)
        out[f"ticket:{q}"] = {**timed(lambda q=q: search(q, kind="ticket", limit=25)), "hits": result.total,
                              "top": [h.object_id for h in result.hits[:10]]}
    out["expected_any_form_anywhere"] = expected["tickets_any_form_anywhere_incl_followups"]
    for q in ARTICLE_QUERIES:
        result = search(q, kind="article", limit=25, public_only=True)
        out[f"article:{q}"] = {**timed(lambda q=q: search(q, kind="article", limit=25, public_only=True)),
                               "hits": result.total, "top": [h.object_id for h in result.hits[:10]]}
    out["kb_suggest"] = {**timed(lambda: kb_suggest(SUGGEST_TEXT, language="ru")),
                         "top": [s.slug for s in kb_suggest(SUGGEST_TEXT, language="ru")]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        out["db_version"] = cursor.fetchone()[0]
    return out


def child(db: str, dataset: Path) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures = child_load(dataset)
    figures.update(child_measure(dataset))
    print("RESULT " + json.dumps(figures, ensure_ascii=False))


def run_db(db: str, dataset: Path) -> dict[str, object]:
    env = dict(os.environ, SUPPORTDESK_DEV="1", DJANGO_SETTINGS_MODULE="supportdesk.settings")
    tmp = tempfile.mkdtemp(prefix="sd_b3_")
    env["SUPPORTDESK_DATA_DIR"] = tmp
    if db == "postgres":
        subprocess.run(["psql", PG_ADMIN, "-q", "-c", f"DROP DATABASE IF EXISTS {PG_DB}", "-c",
                        f"CREATE DATABASE {PG_DB}"], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        env["DATABASE_URL"] = ""
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", db, "--dataset", str(dataset)], env=env,
                              capture_output=True, text=True, check=True)
    finally:
        if db == "postgres":
            subprocess.run(["psql", PG_ADMIN, "-q", "-c", f"DROP DATABASE IF EXISTS {PG_DB}"], check=False)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--child", choices=["sqlite", "postgres"])
    parser.add_argument("--dataset")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.dataset))
        return
    dataset = ensure_dataset(args.tickets)
    results: dict[str, object] = {"tickets": args.tickets}
    for db in args.db or ["sqlite", "postgres"]:
        figures = run_db(db, dataset)
        results[db] = figures
        print(f"== {db} {figures['db_version']}: load {figures['load_s']} s, reindex {figures['reindex_s']} s")
        for key, value in figures.items():
            if isinstance(value, dict) and "p95_ms" in value:
                print(f"  {key:45s} p50 {value['p50_ms']:7.2f} ms  p95 {value['p95_ms']:7.2f} ms"
                      + (f"  hits {value['hits']}" if "hits" in value else ""))
    dbs = [d for d in ("sqlite", "postgres") if d in results]
    if len(dbs) == 2:
        same = all(results["sqlite"][k].get("top") == results["postgres"][k].get("top")  # type: ignore[index,union-attr]
                   for k in results["sqlite"] if isinstance(results["sqlite"][k], dict))  # type: ignore[index,union-attr]
        results["same_top_hits_on_both"] = same
        print(f"same top hits on both databases: {same}")
    results["machine"] = machine(",".join(dbs), ",".join(str(results[d]["db_version"]) for d in dbs))  # type: ignore[index]
    print("machine:", results["machine"])
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
