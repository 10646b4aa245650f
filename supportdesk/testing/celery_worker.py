"""A real Celery worker process on Redis for tests and benchmarks.

Tests use their own Redis database (15 by default) so that flushing it between runs
never touches a developer's queues in database 0.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

# Parallel checkouts on one machine (several engineers, one Redis) each take their own range:
# SUPPORTDESK_TEST_REDIS_DB is the highest database number this run may use (15 by default).
REDIS_TEST_DB = int(os.environ.get("SUPPORTDESK_TEST_REDIS_DB", "15"))
REDIS_TEST_URL = f"redis://127.0.0.1:6379/{REDIS_TEST_DB}"
REPO_ROOT = Path(__file__).resolve().parents[2]
_names = itertools.count(1)


def redis_test_url(worker_id: str = "master", host: str = "127.0.0.1", port: int = 6379) -> str:
    """A Redis URL of its own for each pytest-xdist worker: master/gw0 -> 15, gw1 -> 14, ... gw14 -> 1.

    Celery workers of parallel test processes would otherwise take each other's tasks.
    """
    index = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    if not 0 <= index < REDIS_TEST_DB:
        raise ValueError(f"no spare Redis database for xdist worker {worker_id!r}")
    return f"redis://{host}:{port}/{REDIS_TEST_DB - index}"


def redis_db_number(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path else 0


def flush_redis_db(url: str = REDIS_TEST_URL) -> None:
    """Empty the one Redis database named by ``url``; database 0 is refused as a safeguard."""
    import redis

    if redis_db_number(url) == 0:
        raise ValueError(f"refusing to flush database 0 ({url}); tests use their own database")
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


class CeleryWorker:
    """``celery -A <app_module> worker --pool=solo`` as a child process.

    ``broker_url`` (and ``result_backend`` if given) override whatever the app module
    configures, via celery's global ``-b``/``--result-backend`` options and the matching
    environment variables. ``start()`` returns once the worker answers a control ping.
    """

    def __init__(
        self,
        app_module: str,
        broker_url: str = REDIS_TEST_URL,
        env: Mapping[str, str] | None = None,
        *,
        result_backend: str | None = None,
        queues: Sequence[str] = (),
        beat: bool = False,
        loglevel: str = "warning",
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        self.app_module = app_module
        self.broker_url = broker_url
        self.result_backend = result_backend
        self.queues = tuple(queues)
        self.beat = beat
        self.loglevel = loglevel
        self.cwd = Path(cwd) if cwd is not None else REPO_ROOT
        self.env = dict(env or {})
        self.nodename = f"sdtest-{os.getpid()}-{next(_names)}@localhost"
        self._logdir = tempfile.mkdtemp(prefix="celery-worker-")
        self.log_file = Path(self._logdir, "worker.log")
        self._proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        argv = [sys.executable, "-m", "celery", "-A", self.app_module, "-b", self.broker_url]
        if self.result_backend:
            argv += ["--result-backend", self.result_backend]
        argv += [
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            self.nodename,
            "-l",
            self.loglevel,
        ]
        if self.queues:
            argv += ["-Q", ",".join(self.queues)]
        if self.beat:
            argv += ["--beat", "--schedule", str(Path(self._logdir, "beat-schedule"))]
        return argv

    def environment(self) -> dict[str, str]:
        env = {**os.environ, **self.env, "CELERY_BROKER_URL": self.broker_url}
        if self.result_backend:
            env["CELERY_RESULT_BACKEND"] = self.result_backend
        paths = [str(self.cwd), *filter(None, [env.get("PYTHONPATH")])]
        env["PYTHONPATH"] = os.pathsep.join(paths)
        return env

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 30.0) -> CeleryWorker:
        if self.running:
            return self
        with self.log_file.open("ab") as log:
            self._proc = subprocess.Popen(  # noqa: S603 - argv built from our own fields
                self.command(),
                cwd=self.cwd,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self._proc.poll() is not None:
                output = self.output()
                self._proc = None
                raise RuntimeError(f"celery worker exited during start-up:\n{output}")
            if time.monotonic() >= deadline:
                self.stop()
                raise TimeoutError(f"celery worker gave no ping within {timeout} s:\n{self.output()}")
        return self

    def ping(self, timeout: float = 0.3) -> bool:
        """True when this worker answers a broadcast ping (what `celery inspect ping` sends)."""
        from celery import Celery

        probe = Celery("supportdesk-test-ping", broker=self.broker_url, set_as_current=False)
        try:
            replies = probe.control.ping(destination=[self.nodename], timeout=timeout)
        finally:
            probe.close()
        return any(self.nodename in reply for reply in replies)

    def stop(self, timeout: float = 15.0) -> int | None:
        """Warm shutdown (TERM), KILL after ``timeout``; returns the exit code."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        return proc.returncode

    def output(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._logdir, ignore_errors=True)

    def __enter__(self) -> CeleryWorker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
