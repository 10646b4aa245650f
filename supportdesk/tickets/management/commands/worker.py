"""``supportdesk worker --loop``: the periodic jobs without Celery (embedded mode)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from supportdesk.jobs import JOBS, run_jobs_once, run_loop


class Command(BaseCommand):
    help = "Run the periodic jobs (outbox, SLA watcher, mailboxes, reminders) in a loop, without Celery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running (default: one pass)")
        parser.add_argument("--interval", type=float, default=1.0, help="loop tick in seconds")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["loop"]:
            # SIGTERM (systemd, the `run` supervisor) and Ctrl-C end the loop after the current pass.
            stop = threading.Event()
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            self.stdout.write(f"jobs loop: {len(JOBS)} periodic jobs, tick {opts['interval']:g} s")
            self.stdout.flush()
            run_loop(interval=opts["interval"], stop=stop)
            self.stdout.write("jobs loop stopped")
        else:
            for job, result in run_jobs_once().items():
                self.stdout.write(f"{job}: {result}")
