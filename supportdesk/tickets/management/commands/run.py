"""``supportdesk run``: SupportDesk in one command (SQLite by default, no other server).

It migrates, loads the demo data once, collects the static files, then supervises three child
processes: gunicorn serving the web UI (static files through WhiteNoise), the periodic jobs loop
(outbox, SLA watcher, mailboxes, reminders) and the LMTP intake an MTA delivers to. Ctrl-C stops
them all. ``--dev`` serves through Django's development server instead, in this process.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.jobs import run_loop
from supportdesk.serving import ChildSpec, Supervisor, normalise_addrport, python_argv, web_argv

DEFAULT_LMTP = "127.0.0.1:8024"


def _host_port(value: str, *, option: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"{option}: expected HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


class Command(BaseCommand):
    help = "Migrate, load the demo data once, and run the web UI, the jobs loop and the LMTP intake."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
        parser.add_argument("--no-loop", action="store_true", help="do not run the background jobs loop")
        parser.add_argument("--lmtp", default=DEFAULT_LMTP, metavar="HOST:PORT",
                            help=f"where the LMTP intake listens (default {DEFAULT_LMTP})")
        parser.add_argument("--no-lmtp", action="store_true", help="do not run the LMTP intake")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SUPPORTDESK_WEB_WORKERS", "2")),
                            help="web worker processes (default 2, or SUPPORTDESK_WEB_WORKERS)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("SUPPORTDESK_WEB_THREADS", "4")),
                            help="threads per web worker (default 4, or SUPPORTDESK_WEB_THREADS)")
        parser.add_argument("--dev", action="store_true",
                            help="serve through Django's development server (not for production)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from supportdesk.policy.public_url import SERVED_URL_ENV, public_base_url, serve_at, url_for_addrport

        if opts["workers"] < 1 or opts["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        lmtp = None if opts["no_lmtp"] else _host_port(opts["lmtp"], option="--lmtp")
        # Links in mail point here unless a public URL is configured.
        served = url_for_addrport(opts["addrport"])
        serve_at(served)
        call_command("migrate", interactive=False, verbosity=0)
        if not opts["no_demo"]:
            call_command("demo", if_empty=True)
        self.stdout.write(f"SupportDesk: http://{opts['addrport']}/  (agents: http://{opts['addrport']}/agent/)")
        self.stdout.write(f"Links in mail: {public_base_url()}/")
        if opts["dev"]:
            self._run_dev(opts)
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        children = [ChildSpec("web", web_argv(normalise_addrport(opts["addrport"]),
                                              workers=opts["workers"], threads=opts["threads"]))]
        if not opts["no_loop"]:
            children.append(ChildSpec("jobs", python_argv("-m", "supportdesk.cli", "worker", "--loop")))
        if lmtp is not None:
            host, port = lmtp
            self.stdout.write(f"LMTP intake: {host}:{port}")
            children.append(ChildSpec("lmtp", python_argv("-m", "supportdesk.cli", "mail", "lmtp",
                                                          "--host", host, "--port", str(port))))
        self.stdout.write("Stop with Ctrl-C.")
        self.stdout.flush()
        env = {**os.environ, SERVED_URL_ENV: served}
        code = Supervisor(children, out=sys.stdout, env=env).run()
        if code:
            sys.exit(code)

    def _run_dev(self, opts: dict[str, Any]) -> None:
        if not opts["no_loop"]:
            threading.Thread(target=run_loop, kwargs={"interval": 1.0}, daemon=True, name="jobs").start()
        if not opts["no_lmtp"]:
            self.stdout.write("--dev: no LMTP intake (run `supportdesk mail lmtp --port N` beside it)")
        call_command("runserver", opts["addrport"], use_reloader=False, insecure_serving=True)
