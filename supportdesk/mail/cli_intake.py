"""The intake subcommands of ``supportdesk mail``: import, poll, lmtp.

    supportdesk mail import PATH              Maildir, mbox or folder of .eml files
        [--history-before DATE | --history]   older mail is history (mail.importer)
    supportdesk mail poll [--loop]            IMAP mailboxes (IDLE where offered)
    supportdesk mail lmtp --port N [--smtp]   receive mail from an MTA
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from supportdesk.mail.backends.lmtp import IntakeHandler, IntakeServer, max_mail_bytes
from supportdesk.mail.importer import ImportSummary, import_source, open_local_source
from supportdesk.mail.polling import poll_all, poll_forever
from supportdesk.policy import get_policy

Handler = Callable[[dict[str, Any]], None]


class Progress:
    """A progress bar on a terminal; a plain counter line every 10% otherwise."""

    def __init__(self, out: TextIO, *, tty: bool | None = None, width: int = 30) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.width = width
        self._last: tuple[str, int] = ("", -1)

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.tty:
            filled = int(self.width * done / total) if total else 0
            bar = "#" * filled + "." * (self.width - filled)
            self.out.write(f"\r{phase:8} [{bar}] {done}/{total or '?'}")
            if total and done >= total:
                self.out.write("\n")
            self.out.flush()
            return
        step = max(total // 10, 1) if total else 500
        tenth = done // step
        if (phase, tenth) != self._last and (done % step == 0 or done == total):
            self._last = (phase, tenth)
            self.out.write(f"{phase}: {done}/{total or '?'}\n")
            self.out.flush()


def format_summary(summary: ImportSummary) -> str:
    counts = summary.as_dict()
    return ("ticketed {ticketed} / threaded {threaded} / robots {robot} / spam {spam} / "
            "duplicates {duplicate} / quarantined {quarantined}").format(**counts) + f" (total {summary.total})"


def add_intake_subcommands(sub: argparse._SubParsersAction, handlers: dict[str, Handler]) -> None:
    imp = sub.add_parser("import", help="Import a Maildir, an mbox or a folder of .eml files.")
    imp.add_argument("path")
    imp.add_argument("--quiet", action="store_true", help="only the summary")
    history = imp.add_mutually_exclusive_group()
    history.add_argument("--history-before", metavar="DATE",
                         help="mail dated before this (YYYY-MM-DD, midnight office time, or an ISO date and time) "
                              "is history: it keeps its date, gets no acknowledgment, notification or reply clock, "
                              "and its tickets are closed; newer mail is taken as arriving today")
    history.add_argument("--history", action="store_true",
                         help="all of it is history (an archive of a team that has just switched)")
    imp.set_defaults(handler=handlers["import"])
    poll = sub.add_parser("poll", help="Fetch new mail from the enabled IMAP mailboxes.")
    poll.add_argument("--loop", action="store_true", help="keep polling (IMAP IDLE where the server has it)")
    poll.add_argument("--interval", type=float, default=60.0, help="seconds between polls (default 60)")
    poll.set_defaults(handler=handlers["poll"])
    lmtp = sub.add_parser("lmtp", help="Receive mail over LMTP (or SMTP) from an MTA.")
    lmtp.add_argument("--host", default="127.0.0.1")
    lmtp.add_argument("--port", type=int, required=True)
    lmtp.add_argument("--smtp", action="store_true", help="speak SMTP instead of LMTP")
    lmtp.add_argument("--workers", type=int, default=None,
                      help="deliveries ingested at once, each with its own database connection (default: one per core, at least 2)")
    lmtp.set_defaults(handler=handlers["lmtp"])


def run_import(options: dict[str, Any], out: TextIO) -> ImportSummary:
    try:
        source = open_local_source(options["path"])
    except (FileNotFoundError, OSError) as exc:
        raise CommandError(str(exc), returncode=2) from exc
    history_before = history_cutoff(options.get("history_before"), everything=bool(options.get("history")))
    progress = None if options.get("quiet") else Progress(out)
    summary = import_source(source, progress=progress, history_before=history_before)
    out.write(format_summary(summary) + "\n")
    if history_before is not None:
        cutoff = timezone.localtime(history_before, get_policy().office.zone)
        out.write(f"history: mail dated before {cutoff.isoformat(sep=' ', timespec='minutes')}; "
                  f"tickets closed as history {summary.history_closed}\n")
    return summary


def history_cutoff(value: str | None, *, everything: bool = False, now: datetime | None = None) -> datetime | None:
    """The moment before which imported mail is history: ``--history`` (now), ``--history-before``
    (a date is midnight in the office's zone), or None. A clear error for anything else."""
    now = now or timezone.now()
    if everything:
        return now
    if not value:
        return None
    try:
        moment = parse_datetime(value.strip())  # a date alone reads as its midnight
    except ValueError:  # well formed but impossible (2026-02-30T10:00)
        moment = None
    if moment is None:
        raise CommandError(f"--history-before: {value!r} is not a date (YYYY-MM-DD) or an ISO date and time",
                           returncode=2)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_policy().office.zone)
    if moment > now:
        raise CommandError(f"--history-before: {value!r} is in the future; use --history to import everything "
                           "as history", returncode=2)
    return moment


def run_poll(options: dict[str, Any], out: TextIO) -> None:
    def show(results: dict[str, dict[str, int] | str]) -> None:
        for name, result in results.items():
            out.write(f"{name}: {result}\n")
        out.flush()

    if not options.get("loop"):
        show(poll_all())
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    poll_forever(interval=options.get("interval", 60.0), stop=stop.is_set, on_pass=show)


def run_lmtp(options: dict[str, Any], out: TextIO) -> None:
    smtp = options.get("smtp", False)
    workers = options.get("workers")  # None: the handler's default, one per core
    handler = IntakeHandler(source="smtp" if smtp else "lmtp", workers=max(1, int(workers)) if workers else None)
    server = IntakeServer(host=options["host"], port=options["port"], smtp=smtp, handler=handler)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    proto = "SMTP" if server.smtp else "LMTP"
    out.write(f"{proto} intake on {server.host}:{server.port} (size limit {max_mail_bytes()} bytes, "
              f"{handler.workers} deliveries at once)\n")
    out.flush()
    server.serve_forever(stop)


def handler_table(out: Callable[[], TextIO] = lambda: sys.stdout) -> dict[str, Handler]:
    return {
        "import": lambda o: (run_import(o, out()), None)[1],
        "poll": lambda o: run_poll(o, out()),
        "lmtp": lambda o: run_lmtp(o, out()),
    }
