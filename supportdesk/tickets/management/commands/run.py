"""``supportdesk run``: the embedded mode in one command (SQLite, no other server)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from supportdesk.jobs import run_loop


class Command(BaseCommand):
    help = "Migrate, load the demo data once, start the background loop and serve the web UI."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
        parser.add_argument("--no-loop", action="store_true", help="do not run the background jobs loop")

    def handle(self, *args: Any, **opts: Any) -> None:
        from supportdesk.policy.public_url import public_base_url, serve_at, url_for_addrport

        # Links in mail point here unless a public URL is configured.
        serve_at(url_for_addrport(opts["addrport"]))
        call_command("migrate", interactive=False, verbosity=0)
        if not opts["no_demo"]:
            call_command("demo", if_empty=True)
        if not opts["no_loop"]:
            threading.Thread(target=run_loop, kwargs={"interval": 1.0}, daemon=True, name="jobs").start()
        self.stdout.write(f"SupportDesk: http://{opts['addrport']}/  (agents: http://{opts['addrport']}/agent/)")
        self.stdout.write(f"Links in mail: {public_base_url()}/")
        call_command("runserver", opts["addrport"], use_reloader=False, insecure_serving=True)
