#!/usr/bin/env python3
"""B2: the agent's workspace at 100,000 and 1,000,000 tickets, through the real Django stack.

    .venv/bin/python bench/b2_workspace.py --db sqlite   --tickets 100000
    .venv/bin/python bench/b2_workspace.py --db postgres --tickets 100000
    .venv/bin/python bench/b2_workspace.py --db postgres --tickets 1000000

The dataset is ../shared/bench/gen_ticket_dataset.py (seed 1), generated into --data-dir
if missing, loaded with bulk_create (SQLite) or COPY (PostgreSQL) into a database of its
own (a temp SQLite file / PostgreSQL ``sd_bench_b2`` or ``sd_bench_b2_1m``), then timed with
Django's test Client logged in as agent01 (an agent of one team, not a superuser) and as
supervisor01 (sees every team): 3 warm-up requests, then --requests timed sequential requests
per endpoint; p50/p95 as in ../shared/bench/benchstats.py. Teams: TEAMS teams of 5 agents each,
every ticket routed to one of them by its id except one in five, which stays unrouted (every
agent sees those too).
Tags are spread over the tickets (one on every 5th ticket, one on every 50th, one on every
1000th, and a handful of others), agent01 has three saved views and a supervisor shares a fourth,
so every queue page also counts four saved views; the queue is timed also filtered by a common
and by a rare tag, by two tags, and opened as a saved view.
The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

from machine import cpu_model  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench beside the checkout (or beside a parent folder: a worktree under /work/wt/).
SHARED = next((p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
              ROOT.parent / "shared" / "bench")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SHARED))

PEER_SUMMARY = SHARED / "peer" / "results" / "b2_summary.json"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", default="/tmp/b2data", help="where the generated dataset lives")
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--reuse", action="store_true", help="PostgreSQL: keep an already loaded database")
    ap.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--pg-db", default="", help="PostgreSQL database name (default sd_bench_b2 / sd_bench_b2_1m); "
                    "engineers sharing a server each use their own")
    return ap.parse_args()


def dataset_dir(args: argparse.Namespace) -> Path:
    name = f"d{args.tickets // 1000}k" if args.tickets < 1_000_000 else f"d{args.tickets // 1_000_000}m"
    out = Path(args.data_dir) / name
    if not (out / "dataset.json").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(SHARED / "gen_ticket_dataset.py"), str(out), "--tickets",
                        str(args.tickets), "--seed", str(args.seed)], check=True)
    return out


def configure(args: argparse.Namespace) -> str:
    """Point Django at the benchmark database (before django.setup())."""
    os.environ["SUPPORTDESK_DEV"] = "1"
    os.environ.setdefault("SUPPORTDESK_DATA_DIR", tempfile.mkdtemp(prefix="b2-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "supportdesk.settings"
    if args.db == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="b2-sqlite-")) / "b2.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return str(path)
    name = args.pg_db or ("sd_bench_b2" if args.tickets < 1_000_000 else "sd_bench_b2_1m")
    os.environ["DATABASE_URL"] = f"{args.pg_url}/{name}"
    os.environ["SUPPORTDESK_CONN_MAX_AGE"] = "600"
    return name


def pg_create(args: argparse.Namespace, name: str) -> bool:
    """Create the database; True when it must be loaded."""
    import psycopg

    with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and args.reuse:
            return False
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def machine(db_version: str) -> dict:
    cpu = cpu_model()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "database": db_version}


# --- loading -------------------------------------------------------------------------------

STATUS_MAP = {3: "solved", 4: "closed", 5: "closed"}  # 1 open and 2 reopened are decided per ticket
TEAMS = ("Вещание L1", "Вещание L2", "Платы SL Video", "Титры")


def team_of(ticket_id: int, team_ids: list[int]) -> int | None:
    """Four in five tickets belong to a team, in turn; the fifth stays unrouted."""
    slot = ticket_id % (len(team_ids) + 1)
    return team_ids[slot] if slot < len(team_ids) else None
BATCH = 5000


def _iter_jsonl(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _parse_ts(text: str):
    from datetime import UTC, datetime

    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _last_followups(path: Path) -> dict[int, tuple[str | None, str, int]]:
    """ticket id -> (author of its last follow-up, its date, number of follow-ups)."""
    last: dict[int, tuple[str | None, str, int]] = {}
    for fu in _iter_jsonl(path):
        prev = last.get(fu["ticket_id"])
        last[fu["ticket_id"]] = (fu["user"], fu["date"], (prev[2] if prev else 0) + 1)
    return last


def _sqlite_value(value):
    """Datetimes as Django stores them in SQLite: naive UTC text."""
    from datetime import UTC, datetime

    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


class Writer:
    """Rows as dicts of column values: COPY on PostgreSQL, bulk INSERT on SQLite."""

    def __init__(self, model, vendor: str) -> None:
        from django.db import connection

        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.vendor = vendor
        self.connection = connection
        self.buffer: list[tuple] = []
        self.rows = 0

    def add(self, **values) -> None:
        row = []
        for f in self.fields:
            value = values[f.attname] if f.attname in values else f.get_default()
            if f.get_internal_type() == "JSONField":
                value = json.dumps(value, ensure_ascii=False)
            row.append(value)
        self.buffer.append(tuple(row))
        if len(self.buffer) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        table = self.model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with self.connection.cursor() as cur:
            if self.vendor == "postgresql":
                raw = cur.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in self.buffer:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                sqlite = cur.cursor
                sqlite.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',  # noqa: S608 - model metadata
                                   [tuple(_sqlite_value(v) for v in row) for row in self.buffer])
        self.rows += len(self.buffer)
        self.buffer = []


def load_dataset(data: Path, *, vendor: str) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from supportdesk.accounts.models import Team
    from supportdesk.accounts.roles import ensure_groups
    from supportdesk.catalog.services import catalog_sync_from_policy
    from supportdesk.customers.domains import domain_key, is_public_mail_domain
    from supportdesk.customers.models import Company, CompanyDomain, Customer, CustomerEmail
    from supportdesk.policy import get_policy
    from supportdesk.tickets import clocks
    from supportdesk.tickets.models import Message, Ticket

    meta = json.loads((data / "dataset.json").read_text())
    agents_group, supervisors_group = ensure_groups()
    users = get_user_model()
    agent_ids: dict[str, int] = {}
    password = make_password("bench-password")  # hashed once: 20 agents need no 20 PBKDF2 rounds
    teams = [Team.objects.create(name=name) for name in TEAMS]
    team_ids = [t.pk for t in teams]
    for index, a in enumerate(meta["agents"]):
        user = users.objects.create(username=a["username"], email=a["email"], password=password,
                                    first_name=a["first_name"], last_name=a["last_name"])
        user.groups.add(agents_group)
        teams[index % len(teams)].members.add(user)
        agent_ids[a["username"]] = user.pk
    supervisor = users.objects.create(username="supervisor01", email="supervisor01@example.com", password=password)
    supervisor.groups.add(supervisors_group)
    product_ids = [p.pk for p in catalog_sync_from_policy(get_policy()).values()] or [None]
    member_ids = {t.pk: set(t.members.values_list("pk", flat=True)) for t in teams}
    last = _last_followups(data / "followups.jsonl")
    customers: dict[str, int] = {}
    companies: dict[str, int] = {}  # a company per organisation domain: the ticket page shows it
    with transaction.atomic():
        company_w, domain_w = Writer(Company, vendor), Writer(CompanyDomain, vendor)
        cust_w, email_w = Writer(Customer, vendor), Writer(CustomerEmail, vendor)
        ticket_w = Writer(Ticket, vendor)
        for tk in _iter_jsonl(data / "tickets.jsonl"):
            addr = tk["submitter_email"].lower()
            cid = customers.get(addr)
            if cid is None:
                cid = customers[addr] = len(customers) + 1
                domain = domain_key(addr)
                company_id = None
                if domain and not is_public_mail_domain(domain):
                    company_id = companies.get(domain)
                    if company_id is None:
                        company_id = companies[domain] = len(companies) + 1
                        now = _parse_ts(tk["created"])
                        company_w.add(id=company_id, name=domain, name_key=domain, notes="",
                                      contract_tier="premium" if company_id % 5 == 0 else "",
                                      created_at=now, updated_at=now)
                        domain_w.add(id=company_id, company_id=company_id, domain=domain)
                cust_w.add(id=cid, name="", language="ru", timezone="", timezone_source="office",
                           company_id=company_id, created_at=_parse_ts(tk["created"]))
                email_w.add(id=cid, customer_id=cid, address=addr, is_primary=True)
            created = _parse_ts(tk["created"])
            author, last_date, count = last[tk["id"]]
            status = STATUS_MAP.get(tk["status"])
            clock: dict = {}
            if status is None:
                if author is None:  # the customer spoke last: a reply is owed
                    status = "new" if count == 1 else "open"
                    pending = _parse_ts(last_date)
                    target, due = clocks.reply_deadlines(pending)
                    clock = {"reply_pending_since": pending, "reply_target_at": target, "reply_due_at": due}
                else:
                    status = "waiting_customer"
            team_id = team_of(tk["id"], team_ids)
            assignee_id = agent_ids.get(tk["assigned_to"] or "")
            if assignee_id is not None and team_id is not None and assignee_id not in member_ids[team_id]:
                assignee_id = None  # an assignee sees the ticket: only its team's members are assigned
            ticket_w.add(id=tk["id"], subject=tk["title"][:300], customer_id=cid, contact_email=addr,
                         channel="email", status=status, assignee_id=assignee_id, team_id=team_id,
                         language="ru", product_id=product_ids[tk["id"] % len(product_ids)],
                         checklist={}, checklist_complete=tk["id"] % 3 == 0, created_at=created,
                         updated_at=_parse_ts(tk["modified"]), last_customer_message_at=created,
                         solved_at=_parse_ts(tk["modified"]) if status == "solved" else None,
                         closed_at=_parse_ts(tk["modified"]) if status == "closed" else None, **clock)
        company_w.flush()
        domain_w.flush()
        cust_w.flush()
        email_w.flush()
        ticket_w.flush()
        msg_w = Writer(Message, vendor)
        for fu in _iter_jsonl(data / "followups.jsonl"):
            agent = agent_ids.get(fu["user"] or "")
            msg_w.add(id=fu["id"], ticket_id=fu["ticket_id"], kind="outgoing" if agent else "incoming",
                      channel="email", author_user_id=agent, body_text=fu["comment"],
                      subject=fu["title"][:300], answers_customer=bool(agent),
                      message_id=(fu["message_id"] or "")[:255], created_at=_parse_ts(fu["date"]))
        msg_w.flush()
    with connection.cursor() as cur:  # autocommit again: VACUUM may run
        if vendor == "postgresql":
            for table in ("customers_company", "customers_companydomain", "customers_customer",
                          "customers_customeremail", "tickets_ticket", "tickets_message"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
            cur.execute("VACUUM ANALYZE")
        else:
            cur.execute("ANALYZE")
    print(f"rows: {company_w.rows} companies, {cust_w.rows} customers, {ticket_w.rows} tickets, "
          f"{msg_w.rows} messages", flush=True)
    tags = load_tags(vendor=vendor, tickets=ticket_w.rows, agent_id=agent_ids[meta["agents"][0]["username"]])
    print(f"tags: {tags} ticket tags", flush=True)


# name -> every n-th ticket carries it (by ticket id); "rare" is on 0.1 % of the tickets.
TAG_SPREAD = {"sdi": 5, "лицензия": 7, "ndi": 50, "обновление": 97, "звук": 211, "rare": 1000}


def load_tags(*, vendor: str, tickets: int, agent_id: int) -> int:
    """Tags on the tickets, and the saved views of agent01 (plus one shared by a supervisor)."""
    from datetime import UTC, datetime

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from supportdesk.accounts.roles import ensure_groups
    from supportdesk.tickets.models import SavedView, Tag, TicketTag

    at = datetime(2026, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        tag_ids = {name: Tag.objects.create(name=name).pk for name in TAG_SPREAD}
        writer = Writer(TicketTag, vendor)
        pk = 0
        for ticket in range(1, tickets + 1):
            for name, every in TAG_SPREAD.items():
                if ticket % every == 0:
                    pk += 1
                    writer.add(id=pk, ticket_id=ticket, tag_id=tag_ids[name], added_at=at, added_by_id=agent_id)
        writer.flush()
        _, supervisors = ensure_groups()
        boss = get_user_model().objects.create(username="boss", password="!")  # noqa: S106 - unusable
        boss.groups.add(supervisors)
        agent = get_user_model().objects.get(pk=agent_id)
        for name, query in (("SDI", "tag=sdi"), ("rare, newest", "tag=rare&sort=newest"),
                            ("mine, oldest", "view=mine&sort=oldest")):
            SavedView.objects.create(owner=agent, name=name, query=query)
        SavedView.objects.create(owner=boss, name="NDI unassigned", query="view=unassigned&tag=ndi", shared=True)
    with connection.cursor() as cur:
        if vendor == "postgresql":
            cur.execute("SELECT setval(pg_get_serial_sequence('tickets_tickettag', 'id'), (SELECT MAX(id) FROM tickets_tickettag))")
            cur.execute("ANALYZE tickets_tickettag")
        else:
            cur.execute("ANALYZE")
    return writer.rows


# --- timing --------------------------------------------------------------------------------

def _time(client, urls: list[str], requests: int, warmup: int) -> dict:
    from benchstats import summarize
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warmup):
        client.get(urls[i % len(urls)])
    samples = []
    cpu = []  # this process's CPU time per request: the Python side (and SQLite's, in-process)
    size = 0
    for i in range(requests):
        url = urls[i % len(urls)]
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[0])
    cpu.sort()
    # On a loaded machine the wall time is mostly waiting for a core; these two say what a
    # request itself costs: CPU here (median) and the database's time as the client saw it.
    return {**summarize(samples), "queries": len(ctx.captured_queries), "bytes": size,
            "cpu_p50_ms": round(cpu[len(cpu) // 2] * 1000, 2),
            "query_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 2)}


def run_endpoints(*, username: str, requests: int, warmup: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from supportdesk.customers.models import Company, CustomerEmail
    from supportdesk.tickets.models import OPEN_STATUSES
    from supportdesk.tickets.selectors import visible_tickets

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    queue = "/agent/"
    url, page = queue, 1
    while page < 50:
        html = client.get(url).content.decode()
        href = re.search(r'href="([^"]+)" id="next-page"', html)
        if href is None:  # a small dataset: time the deepest page there is
            break
        url = queue + unescape(href.group(1))
        page += 1
    # Tickets this user may open (an agent: their team's and the unrouted ones).
    open_ids = list(visible_tickets(user=user).filter(status__in=OPEN_STATUSES).order_by("id")
                    .values_list("id", flat=True)[:: max(1, 1000)][:requests])
    email = CustomerEmail.objects.order_by("id").values_list("address", flat=True)[150]
    sidebar = client.get(f"/agent/tickets/{open_ids[0]}/").content.decode()
    assert 'href="/agent/companies/' in sidebar.split('id="ticket-company"')[1], "no company on the ticket page"
    companies = list(Company.objects.annotate(n=Count("contacts__tickets")).order_by("-n")
                     .values_list("id", flat=True)[:5])
    from supportdesk.tickets.models import SavedView

    # agent01's own view; the supervisor opens the one they share.
    saved = SavedView.objects.filter(owner=user, name="SDI").first() or SavedView.objects.get(shared=True)
    return {
        "company_page": _time(client, [f"/agent/companies/{pk}/" for pk in companies], requests, warmup),
        "queue_first_page": _time(client, [queue], requests, warmup),
        "queue_page_50": {**_time(client, [url], requests, warmup), "page": page},
        "ticket_page": _time(client, [f"/agent/tickets/{pk}/" for pk in open_ids], requests, warmup),
        "search_subject": _time(client, [queue + "?q=%D1%80%D0%B0%D1%81%D1%81%D0%B8%D0%BD%D1%85%D1%80%D0%BE%D0%BD%D0%B8%D0%B7%D0%B0%D1%86%D0%B8%D1%8F"],
                                requests, warmup),
        "search_email": _time(client, [queue + "?q=" + email], requests, warmup),
        "search_number": _time(client, [queue + f"?q=%23{open_ids[len(open_ids) // 2]}"], requests, warmup),
        "tag_common": _time(client, [queue + "?tag=sdi"], requests, warmup),
        "tag_rare": _time(client, [queue + "?tag=rare"], requests, warmup),
        "tag_two": _time(client, [queue + "?tag=sdi&tag=ndi"], requests, warmup),
        "tag_newest": _time(client, [queue + "?tag=ndi&sort=newest"], requests, warmup),
        "saved_view": _time(client, [queue + f"?{saved.query}&sv={saved.pk}"], requests, warmup),
        "saved_view_counts": _time(client, [queue + "views/counts/"], requests, warmup),
    }


def main() -> None:
    args = parse_args()
    data = dataset_dir(args)
    db_name = configure(args)
    must_load = pg_create(args, db_name) if args.db == "postgres" else True

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    load_s = None
    if must_load:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        load_dataset(data, vendor=connection.vendor)
        load_s = round(time.perf_counter() - started, 1)
        print(f"loaded {data.name} in {load_s} s", flush=True)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT version()")
        else:
            cur.execute("SELECT 'SQLite ' || sqlite_version()")
        db_version = cur.fetchone()[0].split(" on ")[0]
    info = machine(db_version)
    print(f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['database']}")
    load_start = [round(x, 2) for x in os.getloadavg()]  # the machine is shared: say how busy it was
    figures = run_endpoints(username="agent01", requests=args.requests, warmup=args.warmup)
    supervisor = run_endpoints(username="supervisor01", requests=args.requests, warmup=args.warmup)
    peer = json.loads(PEER_SUMMARY.read_text())["endpoints"] if PEER_SUMMARY.exists() else None
    result: dict = {"benchmark": "B2", "db": args.db, "tickets": args.tickets, "machine": info,
                    "load_s": load_s, "loadavg_start": load_start, "teams": len(TEAMS), "endpoints": figures, "endpoints_supervisor": supervisor}
    if peer:
        # The peer's list needs its HTML shell and its DataTables JSON before an agent sees rows.
        peer_p50 = peer["html"]["p50_ms_median"] + peer["json"]["p50_ms_median"]
        peer_p95 = peer["html"]["p95_ms_median"] + peer["json"]["p95_ms_median"]
        ours = figures["queue_first_page"]
        result["peer"] = {"system": "django-helpdesk 2.6.1, 100k tickets, PostgreSQL", "list_p50_ms": peer_p50,
                          "list_p95_ms": peer_p95,
                          "ratio_p50": round(peer_p50 / ours["p50_ms"], 1),
                          "ratio_p95": round(peer_p95 / ours["p95_ms"], 1)}
    for who, figs in (("agent of one team", figures), ("supervisor", supervisor)):
        print(f"as {who}:")
        for name, fig in figs.items():
            print(f"  {name:22s} p50 {fig['p50_ms']:7.2f} ms   p95 {fig['p95_ms']:7.2f} ms   "
                  f"queries {fig['queries']} ({fig['query_ms']:.0f} ms)   cpu p50 {fig['cpu_p50_ms']:6.2f} ms   "
                  f"{fig['bytes']} bytes")
    print(f"load average: {' '.join(f'{x:.2f}' for x in load_start)} at the start, "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    if peer:
        print(f"peer list (html+json) p50 {result['peer']['list_p50_ms']} ms: "
              f"ours is {result['peer']['ratio_p50']}x faster (p95: {result['peer']['ratio_p95']}x)")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
