"""The scaled-out topology under load and faults, as real processes on this machine.

    .venv/bin/python bench/topology.py [--minutes 10] [--rate 10] [--agents 30] [--no-faults]

Starts a private PostgreSQL cluster and a private Redis (so both can be killed and restarted),
an SMTP sink, two gunicorn web servers on two ports, two Celery workers and beat on Redis, and the
LMTP intake. Then, for the given time, agent sessions work the queue (open the queue, open a
ticket, reply or write a note) while mail arrives over LMTP at the given rate, and the faults
happen one after another: kill -9 of a Celery worker and of a web server (each restarted, as
systemd would), a Redis restart, a PostgreSQL restart, the SMTP server gone for a while. After
the load the harness waits for the queues to drain and checks that every mail was registered
exactly once and every acknowledgment sent exactly once (counted at the SMTP sink), that nothing
is stuck, and lists the errors the agents saw. The workers' memory is sampled throughout.

Prints the figures and the machine, then one line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import platform
import random
import re
import shutil
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from machine import cpu_model  # noqa: E402

from supportdesk.testing.acks import tally_acks  # noqa: E402
from supportdesk.testing.net import free_port, wait_port  # noqa: E402
from supportdesk.testing.smtp import SmtpSink  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PASSWORD = "topology-agent-password"  # noqa: S105 - a throwaway installation
PY = sys.executable


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Postgres:
    """A private cluster owned by the postgres user, on its own port; restartable."""

    def __init__(self, root: Path) -> None:
        self.dir = root / "pg"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/supportdesk"

    def _as_postgres(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603

    def start(self) -> None:
        if not self.dir.exists():
            self.dir.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(self.dir, "postgres", "postgres")
                shutil.chown(self.dir.parent, "postgres", "postgres")
            self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres")
            with (self.dir / "postgresql.conf").open("a") as conf:
                conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                           "fsync = off\nsynchronous_commit = off\nmax_connections = 200\n")
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.dir / "log"), "-w", "start")

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE supportdesk")

    def restart(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        try:
            self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass


class AttachmentDisk:
    """The attachment folder on a small tmpfs of its own (as root), so that it can be filled up."""

    def __init__(self, path: Path, megabytes: int) -> None:
        self.path, self.megabytes, self.mounted = path, megabytes, False
        self.filler = path / ".filler"

    def mount(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.megabytes}m", "tmpfs", str(self.path)],  # noqa: S603
                              capture_output=True, check=False)
        self.mounted = done.returncode == 0

    def fill_for(self, seconds: float) -> int:
        """Fill the disk to the last byte, hold it full, free it. Returns the bytes written."""
        written = 0
        chunk = b"\0" * (1 << 20)
        with self.filler.open("wb", buffering=0) as fh:
            try:
                while True:
                    written += fh.write(chunk) or 0
            except OSError:  # ENOSPC: full
                pass
            try:
                while True:  # the last partial megabyte
                    written += fh.write(b"\0" * 4096) or 0
            except OSError:
                pass
        time.sleep(seconds)
        self.filler.unlink()
        return written

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)  # noqa: S603, S607
            self.mounted = False


class Proc:
    """A named child process that the harness can kill and start again."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logdir: Path, port: int | None = None) -> None:
        self.name, self.argv, self.env, self.port = name, argv, env, port
        self.logfile = (logdir / f"{name}.log").open("ab")
        self.proc: subprocess.Popen[bytes] | None = None
        self.busy = threading.Lock()  # held while the harness itself stops or starts it

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, env=self.env, stdout=self.logfile, stderr=subprocess.STDOUT,  # noqa: S603
                                     start_new_session=True, cwd=REPO)
        if self.port:
            wait_port("127.0.0.1", self.port, self.proc, timeout=120)

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def kill_and_restart(self, pause: float) -> None:
        with self.busy:
            self.kill9()
            time.sleep(pause)
            self.start()


    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


def watchdog(procs: list[Proc], stop: threading.Event, restarts: list[tuple[float, str, int]], started: float) -> None:
    """What systemd's Restart=on-failure does: a process that died unplanned is started again (and listed)."""
    while not stop.wait(2):
        for proc in procs:
            if proc.proc is None or proc.proc.poll() is None or not proc.busy.acquire(blocking=False):
                continue
            try:
                if proc.proc.poll() is not None:
                    restarts.append((round(time.monotonic() - started, 1), proc.name, proc.proc.returncode))
                    log(f"unplanned exit of {proc.name} (code {proc.proc.returncode}); restarting it")
                    proc.start()
            finally:
                proc.busy.release()


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[tuple[float, str, str]] = []

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latency[kind].append(seconds)

    def error(self, started: float, kind: str, what: str) -> None:
        with self.lock:
            self.errors.append((round(time.monotonic() - started, 1), kind, what[:200]))


def _hidden_fields(form_html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_html))


def agent_session(base_urls: list[str], username: str, stop: threading.Event, stats: Stats, started: float) -> None:
    import requests

    session = requests.Session()
    base = random.choice(base_urls)

    def call(kind: str, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        nonlocal base
        t0 = time.perf_counter()
        try:
            response = session.request(method, base + path, timeout=30, allow_redirects=True, **kwargs)
        except requests.RequestException as exc:
            stats.error(started, kind, f"{base}: {type(exc).__name__}")
            base = random.choice(base_urls)  # the proxy would send the next request elsewhere
            return None
        stats.record(kind, time.perf_counter() - t0)
        if response.status_code >= 500:
            stats.error(started, kind, f"{base}{path}: HTTP {response.status_code}")
            return None
        return response

    def login() -> bool:
        page = call("login", "GET", "/login/")
        if page is None:
            return False
        token = session.cookies.get("csrftoken", "")
        done = call("login", "POST", "/login/", data={"username": username, "password": PASSWORD,
                                                         "csrfmiddlewaretoken": token},
                    headers={"Referer": base + "/login/"})
        return done is not None and "/login/" not in done.url

    while not stop.is_set() and not login():
        stop.wait(2)
    while not stop.is_set():
        queue = call("queue", "GET", "/agent/")
        tickets = re.findall(r'href="/agent/tickets/(\d+)/"', queue.text) if queue is not None else []
        if queue is not None and "/login/" in queue.url:
            login()
            continue
        if tickets:
            pk = random.choice(tickets[:25])
            page = call("ticket", "GET", f"/agent/tickets/{pk}/")
            if page is not None:
                action = random.choice(["reply", "note", "note"])
                match = re.search(rf'<form[^>]*action="/agent/tickets/{pk}/{action}/"[^>]*>(.*?)</form>', page.text, re.S)
                if match:
                    data = _hidden_fields(match.group(1))
                    data["text"] = f"{'Ответ' if action == 'reply' else 'Заметка'} {username} {time.time():.0f}"
                    data["confirm"] = "1"  # another agent's change meanwhile: the load means it
                    call(action, "POST", f"/agent/tickets/{pk}/{action}/", data=data,
                         headers={"Referer": page.url, "X-CSRFToken": session.cookies.get("csrftoken", "")})
        stop.wait(random.uniform(1.0, 3.0))


MAIL = ("From: Customer {n} <customer{n}@channel{c}.example.ru>\r\nTo: support@softlab.tv\r\n"
        "Subject: Forward TS: no sound on output {n}\r\nMessage-ID: <topology-{n}@channel{c}.example.ru>\r\n"
        "Date: {date}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b{n}\"\r\n\r\n"
        "--b{n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Forward TS 6.2.1 ({n}): after the update there is no sound on SDI output 2. Steps: start, switch "
        "to output 2. Settings attached.\r\n"
        "--b{n}\r\nContent-Type: text/xml; name=\"settings-{n}.xml\"\r\n"
        "Content-Disposition: attachment; filename=\"settings-{n}.xml\"\r\n\r\n"
        "<settings mail=\"{n}\">{filler}</settings>\r\n--b{n}--\r\n")
# Every mail's attachment is different (the store keeps equal bytes once), about 4 KB.
FILLER = "<output id=\"2\" audio=\"embedded\" level=\"-20\"/>\r\n" * 80  # SMTP lines stay short


def mail_sender(port: int, rate: float, stop: threading.Event, sent: list[str], refused: Counter[str],
                total: int = 0) -> None:
    """An MTA's side: deliver at the rate (0: as fast as the intake takes them; ``total`` mails at
    most if given), keep a message queued and retry while the intake refuses."""
    n = 0
    queued: list[tuple[str, bytes]] = []
    next_at = time.monotonic()
    while not stop.is_set() or queued:
        if total and n >= total and not queued:
            stop.set()
            break
        if not stop.is_set() and time.monotonic() >= next_at and not (total and n >= total):
            n += 1
            msgid = f"<topology-{n}@channel{n % 50}.example.ru>"
            raw = MAIL.format(n=n, c=n % 50, date=email.utils.formatdate(localtime=True), filler=FILLER).encode()
            queued.append((msgid, raw))
            next_at += 1.0 / rate if rate else 0.0
        while queued:
            msgid, raw = queued[0]
            try:
                with smtplib.LMTP("127.0.0.1", port, timeout=30) as client:
                    client.sendmail("customer@example.ru", ["support@softlab.tv"], raw)
            except (OSError, smtplib.SMTPException) as exc:
                refused[type(exc).__name__] += 1
                time.sleep(1)
                break
            sent.append(msgid)
            queued.pop(0)
        if stop.is_set() and not queued:
            break
        time.sleep(max(0.0, min(0.05, next_at - time.monotonic())))


def django_check(env: dict[str, str], code: str) -> Any:
    out = subprocess.run([PY, "-c", "import django, json; django.setup()\n" + code], env=env, cwd=REPO,  # noqa: S603
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


SETUP_AGENTS = """
from django.contrib.auth.models import User
from supportdesk.accounts.roles import ensure_groups
agents, supervisors = ensure_groups()
for i in range({count}):
    user, _ = User.objects.get_or_create(username=f"agent{{i}}")
    user.set_password({password!r}); user.save(); user.groups.add(agents)
print(json.dumps({count}))
"""

CHECK = """
from collections import Counter
from django.db.models import Count
from supportdesk.mail.models import InboundMail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import RESENT_NOTE
from supportdesk.lib.blobstore import blob_exists
from supportdesk.tickets.models import Attachment, Message
mails = InboundMail.objects.filter(message_id__startswith="topology-")
# A redelivery the dedupe caught is stored as state "duplicate" and never ticketed: not a second registration.
dupes = list(mails.exclude(state="duplicate").values("message_id").annotate(n=Count("id")).filter(n__gt=1)
             .values_list("message_id", flat=True))
print(json.dumps({
    "registered": mails.values("message_id").distinct().count(),
    "duplicate_registrations": dupes[:20],
    "inbound_not_done": dict(Counter(InboundMail.objects.filter(state__in=["pending", "quarantined"]).values_list("state", flat=True))),
    "inbound_pending": list(InboundMail.objects.filter(state="pending").values_list("message_id", "error")[:5]),
    "customer_messages": Message.objects.filter(kind="incoming", message_id__startswith="topology-").count(),
    "outbox": dict(Counter(OutgoingMail.objects.values_list("state", flat=True))),
    "acks_in_outbox": OutgoingMail.objects.filter(kind="ack").count(),
    # Sent again after a worker was interrupted between the SMTP server's 250 and the record.
    "resent": list(OutgoingMail.objects.filter(last_error=RESENT_NOTE).values_list("message_id", flat=True)),
    "resent_rows": list(OutgoingMail.objects.filter(attempts__gt=1).exclude(last_error="").values_list(
        "message_id", "kind", "state", "attempts", "last_error")[:20]),
    "customer_messages_without_attachment": Message.objects.filter(
        kind="incoming", message_id__startswith="topology-", attachments__isnull=True).count(),
    "attachments_missing_blob": sum(1 for sha in Attachment.objects.filter(
        message__message_id__startswith="topology-").values_list("sha256", flat=True) if not blob_exists(sha)),
}))
"""


def rss_growth(memory: list[dict[str, float]]) -> dict[str, float]:
    """Per process: RSS at the end minus RSS once warm (after the first tenth of the samples)."""
    if len(memory) < 4:
        return {}
    warm = memory[max(1, len(memory) // 10)]
    last = memory[-1]
    return {k: round(last[k] - warm[k], 1) for k in last if k not in ("t", "mails") and k in warm}


def run(args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="sd-topology-"))
    logs = root / "logs"
    logs.mkdir()
    pg = Postgres(root)
    redis_port = free_port()
    sink = SmtpSink()
    procs: list[Proc] = []
    figures: dict[str, Any] = {"minutes": args.minutes, "rate_per_s": args.rate, "agents": args.agents}
    redis = None
    disk = AttachmentDisk(root / "attachments", args.disk_mb)
    try:
        disk.mount()
        pg.start()
        pg.create_database()
        redis_argv = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        redis = Proc("redis", redis_argv, dict(os.environ), logs, port=redis_port)
        redis.start()
        sink.start()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTDESK_", "CELERY_", "DATABASE_URL"))}
        env.update(DJANGO_SETTINGS_MODULE="supportdesk.settings", DATABASE_URL=pg.url,
                   CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
                   SUPPORTDESK_REDIS_CACHE=f"redis://127.0.0.1:{redis_port}/1",
                   SUPPORTDESK_DATA_DIR=str(root / "data"), SUPPORTDESK_SECRET_KEY="topology-" + "k" * 50,
                   SUPPORTDESK_DEV="1", SUPPORTDESK_SMTP_HOST="127.0.0.1", SUPPORTDESK_SMTP_PORT=str(sink.port),
                   SUPPORTDESK_PUBLIC_URL="https://support.example.com", SUPPORTDESK_ATTACHMENT_DIR=str(disk.path),
                   SUPPORTDESK_INBOUND_RETRY_SECONDS=str(args.retry_seconds),
                   # A send claimed by a worker that was killed is retried after this (production: 300 s).
                   SUPPORTDESK_SMTP_TIMEOUT="10", SUPPORTDESK_OUTBOX_CLAIM_SECONDS=str(args.retry_seconds))
        subprocess.run([PY, "-m", "supportdesk.cli", "migrate", "-v0"], env=env, cwd=REPO, check=True)  # noqa: S603
        subprocess.run([PY, "-m", "supportdesk.cli", "demo"], env=env, cwd=REPO, check=True,  # noqa: S603
                       stdout=subprocess.DEVNULL)
        django_check(env, SETUP_AGENTS.format(count=args.agents, password=PASSWORD))
        web_ports = [free_port(), free_port()]
        lmtp_port = free_port()
        for i, port in enumerate(web_ports, 1):
            procs.append(Proc(f"web{i}", [PY, "-m", "gunicorn", "supportdesk.wsgi:application", "--bind",
                                          f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "gthread",
                                          "--threads", "4", "--no-control-socket"], env, logs, port=port))
        for i in (1, 2):
            procs.append(Proc(f"worker{i}", [PY, "-m", "celery", "-A", "supportdesk.celery", "worker", "--concurrency",
                                             "1", "--hostname", f"worker{i}@%h", "--loglevel", "WARNING"], env, logs))
        procs.append(Proc("beat", [PY, "-m", "celery", "-A", "supportdesk.celery", "beat", "--schedule",
                                   str(root / "beat-schedule"), "--loglevel", "WARNING"], env, logs))
        procs.append(Proc("lmtp", [PY, "-m", "supportdesk.cli", "mail", "lmtp", "--port", str(lmtp_port)],
                          env, logs, port=lmtp_port))
        for proc in procs:
            proc.start()
        by_name = {p.name: p for p in procs}
        log(f"topology up: web {web_ports}, lmtp {lmtp_port}, redis {redis_port}, postgres {pg.port}, smtp {sink.port}")

        stats, stop, sent, refused = Stats(), threading.Event(), [], Counter()
        started = time.monotonic()
        memory: list[dict[str, float]] = []
        threads = [threading.Thread(target=agent_session, args=([f"http://127.0.0.1:{p}" for p in web_ports],
                                                                f"agent{i}", stop, stats, started), daemon=True)
                   for i in range(args.agents)]
        sender = threading.Thread(target=mail_sender, args=(lmtp_port, 0.0 if args.intake else args.rate, stop, sent,
                                                            refused, args.intake), daemon=True)
        for thread in [*threads, sender]:
            thread.start()
        duration = args.minutes * 60
        faults_done: list[tuple[float, str]] = []

        def fault(at_share: float, name: str, action: Any) -> None:
            while time.monotonic() - started < at_share * duration and not stop.is_set():
                time.sleep(0.5)
            t = round(time.monotonic() - started, 1)
            log(f"fault: {name}")
            action()
            faults_done.append((t, name))

        smtp_gap = min(300.0, duration * 0.15)
        plan = [] if args.no_faults else [
            (0.10, "kill -9 Celery worker 1 (restarted after 5 s)", lambda: by_name["worker1"].kill_and_restart(5)),
            (0.25, "kill -9 web server 1 (restarted after 3 s)", lambda: by_name["web1"].kill_and_restart(3)),
            (0.40, "restart Redis", lambda: redis.kill_and_restart(2)),  # type: ignore[union-attr]
            (0.55, "restart PostgreSQL", pg.restart),
            (0.70, f"SMTP server down for {smtp_gap:.0f} s", lambda: (sink.stop(), time.sleep(smtp_gap), sink.start())),
        ]
        disk_gap = min(60.0, duration * 0.1)
        if disk.mounted and plan:
            plan.append((0.85, f"attachment disk full for {disk_gap:.0f} s",
                         lambda: figures.update(disk_filled_mb=round(disk.fill_for(disk_gap) / 2**20, 1))))
        elif plan:
            figures["disk_fault"] = "skipped: mounting a tmpfs needs root"
        faults = threading.Thread(target=lambda: [fault(*step) for step in plan], daemon=True)
        faults.start()
        unplanned: list[tuple[float, str, int]] = []
        watch_stop = threading.Event()
        threading.Thread(target=watchdog, args=(procs, watch_stop, unplanned, started), daemon=True).start()
        # The load runs for the given minutes; an intake run (--intake N) until N mails are in.
        while (not stop.is_set()) if args.intake else (time.monotonic() - started < duration):
            memory.append({"t": round(time.monotonic() - started), "mails": len(sent), **{
                p.name: round(rss_mb(p.proc.pid) + sum(rss_mb(c) for c in children_of(p.proc.pid)), 1)
                for p in procs if p.name.startswith(("worker", "lmtp")) and p.proc}})
            if len(memory) % 12 == 1:  # a line a minute: a long run's curve survives an interruption
                log(f"rss: {memory[-1]}")
            stop.wait(5)
        stop.set()
        load_seconds = time.monotonic() - started
        faults.join(timeout=smtp_gap + 60)
        sender.join(timeout=120)
        for thread in threads:
            thread.join(timeout=40)
        log(f"load over: {len(sent)} mails delivered; waiting for the queues to drain")
        drain_started = time.monotonic()
        # A mail left pending (by a process that died mid-way, or deferred when the disk or the
        # database failed) is finished by the stale-mail job once it is older than the retry delay.
        # The same delay frees a mail whose sender was killed mid-send (the outbox claim).
        drain_seconds = args.retry_seconds + 180
        deadline = time.monotonic() + drain_seconds
        check: dict[str, Any] = {}
        while time.monotonic() < deadline:
            check = django_check(env, CHECK)
            pending = sum(n for s, n in check["outbox"].items() if s in ("pending", "sending"))
            if not check["inbound_not_done"] and not pending and check["registered"] >= len(sent):
                break
            time.sleep(5)
        else:
            log(f"the queues did not drain in {drain_seconds} s: {check}")
        received = [email.message_from_bytes(m.data) for m in sink.messages]
        acks = tally_acks([(str(m.get("In-Reply-To")), str(m.get("Message-ID", ""))) for m in received
                           if str(m.get("In-Reply-To") or "").startswith("<topology-")], check.get("resent", []))
        page_latencies = [s for k in ("queue", "ticket") for s in stats.latency[k]]
        figures.update({
            "mails_delivered": len(sent), "lmtp_retries": dict(refused),
            "registered_once": check.get("registered"), "duplicate_registrations": check.get("duplicate_registrations"),
            "inbound_not_done": check.get("inbound_not_done"), "outbox_states": check.get("outbox"),
            # Distinct acknowledgments (Message-IDs); a copy of one the outbox resent after an
            # interrupted attempt (kill -9 between the SMTP 250 and the record) is listed apart.
            "acks_sent": acks.acks, "mails_with_one_ack": acks.mails_with_one_ack,
            "mails_with_several_acks": len(acks.several), "several_acks": acks.several,
            "acks_resent_after_interruption": acks.resent, "acks_copied_unexplained": acks.unexplained,
            "acks_in_outbox": check.get("acks_in_outbox"), "outbox_resent_rows": check.get("resent_rows"),
            "agent_requests": sum(len(v) for v in stats.latency.values()),
            "agent_page_p95_ms": round(statistics.quantiles(page_latencies, n=20)[18] * 1000) if len(page_latencies) > 20 else None,
            "agent_page_p50_ms": round(statistics.median(page_latencies) * 1000) if page_latencies else None,
            "agent_errors": len(stats.errors), "agent_error_list": stats.errors[:50],
            "drain_seconds": round(time.monotonic() - drain_started),
            "faults": faults_done, "unplanned_restarts": unplanned, "worker_rss_mb": memory,
            "customer_messages_without_attachment": check.get("customer_messages_without_attachment"),
            "attachments_missing_blob": check.get("attachments_missing_blob"),
        })
        if args.intake:
            figures["intake_seconds"] = round(load_seconds)
            figures["intake_mails_per_s"] = round(len(sent) / load_seconds, 1) if load_seconds else None
            figures["rss_growth_mb"] = rss_growth(memory)
        figures["ok"] = bool(
            sent and figures["registered_once"] == len(sent) and not figures["duplicate_registrations"]
            and not figures["inbound_not_done"] and figures["mails_with_several_acks"] == 0
            and not figures["acks_copied_unexplained"] and figures["acks_sent"] == len(sent)
            and figures["mails_with_one_ack"] == len(sent)
            and not figures["customer_messages_without_attachment"] and not figures["attachments_missing_blob"]
            and not any(s in (figures["outbox_states"] or {}) for s in ("pending", "sending")))
        return figures
    finally:
        if "watch_stop" in locals():
            watch_stop.set()
        for proc in reversed(procs):
            proc.stop()
        if redis is not None:
            redis.stop()
        sink.stop()
        pg.stop()
        disk.unmount()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"kept {root}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=10.0, help="mails per second over LMTP")
    parser.add_argument("--agents", type=int, default=30)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--intake", type=int, default=0,
                        help="memory run: deliver this many mails as fast as they are taken, no agents, no faults")
    parser.add_argument("--retry-seconds", type=int, default=60,
                        help="the installation's SUPPORTDESK_INBOUND_RETRY_SECONDS and SUPPORTDESK_OUTBOX_CLAIM_SECONDS "
                             "(production default 300 each)")
    parser.add_argument("--disk-mb", type=int, default=256, help="size of the attachment tmpfs")
    parser.add_argument("--short", action="store_true",
                        help="CI's form: 1 minute, 10 agents, 5 mails/s, every fault once")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, databases)")
    args = parser.parse_args()
    if args.short:
        args.minutes, args.agents, args.rate = 1.0, 10, 5.0
    if args.intake:
        args.agents, args.no_faults = 0, True
    load_before = os.getloadavg()
    # Stopped from outside (timeout, kill): still stop every process it started, in run()'s finally.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    figures = run(args)
    figures["machine"] = {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
                          "load_before": [round(x, 2) for x in load_before],
                          "load_after": [round(x, 2) for x in os.getloadavg()]}
    for key, value in figures.items():
        if key not in ("worker_rss_mb", "agent_error_list"):
            print(f"{key}: {value}")
    rss = figures["worker_rss_mb"]
    if rss:
        print("worker RSS (MB) first/last:", rss[0], rss[-1])
    for error in figures["agent_error_list"]:
        print("agent error:", error)
    print(json.dumps(figures, ensure_ascii=False))
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()
