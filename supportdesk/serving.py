"""``supportdesk run``'s process supervisor: the web server, the jobs loop and the LMTP intake
as child processes of one command.

Each child runs in its own session, so a Ctrl-C on the terminal reaches only the supervisor, which
then stops the children in order (SIGTERM, a grace period, SIGKILL to the child's whole process
group). A child that dies while SupportDesk runs is restarted with a growing delay; one that dies
in its first seconds (a port already taken, a broken configuration) stops everything with its exit
code, since restarting it would only hide the error. Children ask the kernel for SIGTERM when the
supervisor dies, so even a ``kill -9`` of the supervisor leaves no orphan behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

PR_SET_PDEATHSIG = 1
# A child that exits sooner than this after it started has a problem a restart will not fix.
EARLY_EXIT_SECONDS = 15.0
RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
STOP_GRACE_SECONDS = 15.0


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: Sequence[str]


@dataclass
class Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    restart_at: float | None = None
    history: list[int] = field(default_factory=list)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor goes away (Linux); a new session."""
    os.setsid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the stop path still covers Ctrl-C and SIGTERM
        pass


def python_argv(*args: str) -> list[str]:
    """Run a module of this interpreter (the same virtualenv, whatever PATH says)."""
    return [sys.executable, *args]


def web_argv(addrport: str, *, workers: int, threads: int) -> list[str]:
    """gunicorn with threaded workers: requests are short and SQLite's writer lock is brief."""
    return python_argv(
        "-m", "gunicorn", "supportdesk.wsgi:application",
        "--bind", addrport,
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--timeout", "60",
        "--graceful-timeout", "10",
        "--access-logfile", "-",
        "--error-logfile", "-",
        "--capture-output",
        "--no-control-socket",
    )


def normalise_addrport(addrport: str) -> str:
    """runserver's forms ("8000", "0.0.0.0:8000", "[::1]:8000") as gunicorn's bind."""
    text = addrport.strip()
    return f"127.0.0.1:{text}" if text.isdigit() else text


class Supervisor:
    def __init__(self, specs: Sequence[ChildSpec], *, out: TextIO, env: dict[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.children = [Child(spec) for spec in specs]
        self.out = out
        self.env = env
        self.clock = clock
        self.stopping = False
        self.exit_code = 0

    def log(self, text: str) -> None:
        self.out.write(f"[supervisor] {text}\n")
        self.out.flush()

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            list(child.spec.argv), env=self.env, preexec_fn=_die_with_parent,  # noqa: PLW1509
        )
        child.started_at = self.clock()
        child.restart_at = None
        self.log(f"started {child.spec.name} (pid {child.process.pid})")

    def request_stop(self, *_: object) -> None:
        self.stopping = True

    def run(self) -> int:
        """Start every child and watch them until asked to stop; the exit code of the whole."""
        previous = {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for child in self.children:
                self._start(child)
            while not self.stopping:
                self._watch_once()
                time.sleep(0.2)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.exit_code

    def _watch_once(self) -> None:
        now = self.clock()
        for child in self.children:
            proc = child.process
            if proc is not None and proc.poll() is not None:
                code = proc.returncode
                child.history.append(code)
                child.process = None
                if now - child.started_at < EARLY_EXIT_SECONDS and child.restarts == 0:
                    self.log(f"{child.spec.name} exited with code {code} right after it started; stopping")
                    self.exit_code = code or 1
                    self.stopping = True
                    return
                delay = RESTART_DELAYS[min(child.restarts, len(RESTART_DELAYS) - 1)]
                self.log(f"{child.spec.name} exited with code {code}; restarting in {delay:g} s")
                child.restart_at = now + delay
                child.restarts += 1
            elif proc is None and child.restart_at is not None and now >= child.restart_at:
                self._start(child)

    def stop(self) -> None:
        """SIGTERM every running child, wait for the grace period, then SIGKILL its process group."""
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        if running:
            self.log("stopping " + ", ".join(c.spec.name for c in running))
        for child in running:
            assert child.process is not None
            _signal_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.spec.name} did not stop in {STOP_GRACE_SECONDS:g} s; killing it")
                _signal_group(child.process.pid, signal.SIGKILL)
                child.process.wait()
        for child in self.children:
            if child.process is not None:
                # The group of a child that stopped by itself may still hold its own children.
                _signal_group(child.process.pid, signal.SIGKILL)
                child.process = None
        if running:
            self.log("stopped")


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
