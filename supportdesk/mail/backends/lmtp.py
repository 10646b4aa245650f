"""LMTP (or SMTP) delivery with aiosmtpd: an MTA hands us each message directly.

We answer 250 only after ``ingest_raw`` has committed the raw bytes (and usually the whole
mail); any failure before that is a 451 so the MTA keeps the message and retries. A worker's
kept connection found dead (PostgreSQL restarted) is not such a failure: ``ingest_raw`` stores
again on a new connection, waiting a few seconds for the server (``lib.db_retry``). The size
limit is answered at DATA with 552. Ingestion runs in worker processes on PostgreSQL (threads
on SQLite), several deliveries at once. We are the final delivery, so the stored mail gets the
envelope sender as its Return-Path (RFC 5321 4.4): a delivery report's null sender "<>" is how
it is known for a robot's, whatever its From says.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import connection

from supportdesk.mail.ingest import IngestResult, ingest_raw
from supportdesk.mail.workers import default_workers, worker_pool

log = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
_SQLITE_WRITER = threading.Lock()


def max_mail_bytes() -> int:
    return int(getattr(settings, "SUPPORTDESK_MAX_MAIL_BYTES", DEFAULT_MAX_BYTES))


def with_return_path(raw: bytes, mail_from: str | None) -> bytes:
    """``raw`` with ``Return-Path: <mail_from>`` on top, in the mail's own line ending, as a final
    delivery agent writes it (aiosmtpd gives the null sender as "<>"); a mail whose first field is
    already a Return-Path (an MTA that wrote one) is kept as it came."""
    if mail_from is None or raw[:12].lower() == b"return-path:":
        return raw
    first_end = raw.find(b"\n")
    eol = b"\r\n" if first_end > 0 and raw[first_end - 1:first_end] == b"\r" else b"\n"
    address = mail_from.strip()
    address = address if address.startswith("<") else f"<{address}>"
    return b"Return-Path: " + address.encode("utf-8", "surrogateescape") + eol + raw


def _ingest_in_thread(raw: bytes, source: str, on_stored: Callable[[], None] | None = None) -> IngestResult:
    # Each worker thread keeps its own database connection from mail to mail (connecting
    # costs more than ingesting a mail on PostgreSQL); one that failed is tested and replaced.
    # The server closes them all when it stops (``IntakeHandler.close``).
    if connection.connection is not None and connection.errors_occurred and not connection.is_usable():
        connection.close()
    return ingest_raw(raw, source=source, on_stored=on_stored)


class _Turns:
    """Deliveries store their raw bytes in the order they were handed over: a delivery's turn
    comes once every earlier one has been stored (or given up on). Shared by the worker
    processes (a multiprocessing lock and counter, inherited at the fork) or by threads."""

    def __init__(self, *, processes: bool) -> None:
        if processes:
            ctx = multiprocessing.get_context("fork")
            self._cond: Any = ctx.Condition()
            self._count: Any = ctx.Value("q", 0, lock=False)
        else:
            self._cond = threading.Condition()
            self._count = _Counter()

    def wait(self, turn: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._count.value >= turn, timeout=60)

    def stored(self) -> None:
        with self._cond:
            self._count.value += 1
            self._cond.notify_all()


class _Counter:
    value = 0


# In a worker process: the turns of the handler that forked it (set by its pool's setup).
_worker_turns: list[_Turns] = []


def _deliver_in_process(turn: int, raw: bytes, source: str) -> IngestResult:
    return _deliver(_worker_turns[0], turn, raw, source)


def _deliver(turns: _Turns, turn: int, raw: bytes, source: str) -> IngestResult:
    """Store when every earlier delivery has been stored, then go on (parse, place, commit)."""
    released = False

    def stored() -> None:
        nonlocal released
        if not released:
            released = True
            turns.stored()

    try:
        # Earlier deliveries were submitted first (FIFO pool): they are running already.
        turns.wait(turn)
        if connection.vendor == "sqlite":
            # One writer at a time in SQLite anyway: its deliveries are ingested in turn
            # (still accepted concurrently) rather than waiting on each other's locks.
            with _SQLITE_WRITER:
                return _ingest_in_thread(raw, source, stored)
        return _ingest_in_thread(raw, source, stored)
    finally:
        stored()


def _close_thread_connection(barrier: threading.Barrier) -> None:
    try:
        barrier.wait(timeout=30)  # every worker thread takes exactly one of these tasks
    except threading.BrokenBarrierError:
        pass
    connection.close()


class IntakeHandler:
    """aiosmtpd handler: every accepted message goes through ``ingest_raw``.

    Deliveries are concurrent, as an MTA makes them: aiosmtpd serves every connection as an
    asyncio task, and each accepted message is ingested by one of ``workers`` (by default one
    per core) worker PROCESSES on PostgreSQL (``mail.workers``: placing a mail is Python work,
    and only processes use both cores), threads on SQLite (one writer) or with another ``ingest``
    function; each worker has its own database connection and transaction. The raw bytes are
    stored in the order the deliveries were handed over (end of DATA; a store is two short
    statements), the rest (parsing, placing, the commit) runs in parallel. A mail answering one
    that was handed over before it, and is still being placed, waits for it (``ingest``), and
    mails of one conversation are placed one after the other (``mail.threadlocks``): a reply
    arriving together with its parent threads onto its ticket. Two deliveries of one
    Message-ID register once (``ingest``: the unique index on final states).
    """

    def __init__(self, *, source: str = "lmtp", executor: ThreadPoolExecutor | None = None,
                 ingest: Callable[[bytes, str], IngestResult] | None = None, workers: int | None = None,
                 processes: bool | None = None) -> None:
        self.source = source
        self.workers = workers or default_workers()
        self._own_executor = executor is None
        self._given_executor = executor
        self.ingest = ingest
        self._processes = processes  # None: decided at start (PostgreSQL and our own ingest)
        self.executor: Executor | None = None
        self._turns = _Turns(processes=False)
        self._handed = 0  # deliveries handed over (end of DATA), in the event loop's order

    @property
    def uses_processes(self) -> bool:
        return isinstance(self.executor, ProcessPoolExecutor)

    def start(self) -> None:
        """Before the server's thread starts (worker processes are forked here)."""
        if self.executor is not None:
            return
        processes = self._processes
        if processes is None:
            processes = (self.ingest is None and self._given_executor is None and connection.vendor == "postgresql"
                         and not connection.in_atomic_block)
        self._handed = 0
        self._turns = _Turns(processes=processes)
        if processes:
            turns = self._turns
            self.executor = worker_pool(self.workers, setup=lambda: _worker_turns.insert(0, turns))
        else:
            self.executor = self._given_executor or ThreadPoolExecutor(max_workers=self.workers,
                                                                       thread_name_prefix="intake")

    def _deliver(self, turn: int, raw: bytes) -> IngestResult:
        """In a worker thread (threads mode)."""
        if self.ingest is None:
            return _deliver(self._turns, turn, raw, self.source)
        self._turns.stored()  # another ingest function (tests): no store step to keep in order
        return self.ingest(raw, self.source)

    def close(self) -> None:
        """Wait for the deliveries in progress, then close every worker's database connection
        (a kept connection would hold the database open long after the server stopped)."""
        executor, self.executor = self.executor, None
        if executor is None or not self._own_executor:
            return
        if isinstance(executor, ProcessPoolExecutor):
            executor.shutdown(wait=True)  # each worker closes its connection as it exits
            return
        barrier = threading.Barrier(self.workers)
        closing = [executor.submit(_close_thread_connection, barrier) for _ in range(self.workers)]
        for future in closing:
            future.result()
        executor.shutdown(wait=True)

    async def _run(self, turn: int, raw: bytes) -> IngestResult:
        if self.executor is None:
            self.start()
        executor = self.executor
        assert executor is not None
        if isinstance(executor, ProcessPoolExecutor):
            try:
                return await asyncio.wrap_future(executor.submit(_deliver_in_process, turn, raw, self.source))
            except BrokenProcessPool:
                # A worker died (killed): every delivery in progress fails with 451 and is
                # delivered again; new ones go to a new pool, their turns counted afresh.
                if self.executor is executor:
                    log.error("an intake worker process died; starting new ones")
                    executor.shutdown(wait=False, cancel_futures=True)
                    self.executor = None
                    self.start()
                raise
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, self._deliver, turn, raw)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        raw = with_return_path(raw, envelope.mail_from)
        turn = self._handed
        self._handed += 1
        try:
            result = await self._run(turn, raw)
        except Exception:
            log.exception("could not store a delivered message; the MTA will retry")
            status = "451 4.3.0 Temporary failure storing the message, try again later"
        else:
            status = f"250 2.0.0 Stored as inbound mail #{result.inbound_id}"
        if isinstance(server, LMTP):
            # LMTP answers once per recipient; the message is stored once for all of them.
            for _rcpt in envelope.rcpt_tos[1:]:
                await server.push(status)
        return status


# RFC 5321 caps a line at 1,000 octets, and aiosmtpd answers a longer one with a permanent 500:
# the MTA bounces the customer's mail. Mailers that write a whole HTML body on one line exist,
# and not every MTA folds them on the way (Postfix does, Exim's LMTP transport does not): take
# lines up to this length, as Postfix's own smtpd does. Commands keep aiosmtpd's own limits.
LONGEST_LINE = 1024 * 1024


class _Lmtp(LMTP):
    line_length_limit = LONGEST_LINE


class _Smtp(SMTP):
    line_length_limit = LONGEST_LINE


class _Controller(Controller):
    def __init__(self, handler: IntakeHandler, *, smtp: bool, **kwargs: Any) -> None:
        self._server_class = _Smtp if smtp else _Lmtp
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        return self._server_class(self.handler, **self.SMTP_kwargs)


class IntakeServer:
    """The listener, in a background thread (tests, the management command).

    ``with IntakeServer(port=port): ...`` or ``start()``/``stop()``.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 2424, smtp: bool = False,
                 max_bytes: int | None = None, handler: IntakeHandler | None = None) -> None:
        self.host = host
        self.port = port
        self.smtp = smtp
        self.max_bytes = max_bytes if max_bytes is not None else max_mail_bytes()
        self.handler = handler or IntakeHandler(source="smtp" if smtp else "lmtp")
        self._controller: Controller | None = None

    def start(self) -> IntakeServer:
        kwargs: dict[str, Any] = {"data_size_limit": self.max_bytes, "enable_SMTPUTF8": True,
                                  "decode_data": False}
        self.handler.start()  # worker processes forked before the server's thread exists
        self._controller = _Controller(self.handler, smtp=self.smtp, hostname=self.host, port=self.port, **kwargs)
        try:
            self._controller.start()
        except BaseException:
            self._controller = None
            self.handler.close()
            raise
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
            self.handler.close()

    def serve_forever(self, stop: threading.Event | None = None) -> None:
        self.start()
        try:
            (stop or threading.Event()).wait()
        finally:
            self.stop()

    def __enter__(self) -> IntakeServer:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
