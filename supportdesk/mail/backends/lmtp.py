"""LMTP (or SMTP) delivery with aiosmtpd: an MTA hands us each message directly.

We answer 250 only after ``ingest_raw`` has committed the raw bytes (and usually the whole
mail); any failure before that is a 451 so the MTA keeps the message and retries. The size
limit is answered at DATA with 552. Ingestion runs in worker threads (the ORM is blocking),
several deliveries at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import connection

from supportdesk.mail.ingest import IngestResult, ingest_raw

log = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
_SQLITE_WRITER = threading.Lock()


def max_mail_bytes() -> int:
    return int(getattr(settings, "SUPPORTDESK_MAX_MAIL_BYTES", DEFAULT_MAX_BYTES))


def _ingest_in_thread(raw: bytes, source: str, on_stored: Callable[[], None] | None = None) -> IngestResult:
    # Each worker thread keeps its own database connection from mail to mail (connecting
    # costs more than ingesting a mail on PostgreSQL); one that failed is tested and replaced.
    # The server closes them all when it stops (``IntakeHandler.close``).
    if connection.connection is not None and connection.errors_occurred and not connection.is_usable():
        connection.close()
    return ingest_raw(raw, source=source, on_stored=on_stored)


def _close_thread_connection(barrier: threading.Barrier) -> None:
    try:
        barrier.wait(timeout=30)  # every worker thread takes exactly one of these tasks
    except threading.BrokenBarrierError:
        pass
    connection.close()


class IntakeHandler:
    """aiosmtpd handler: every accepted message goes through ``ingest_raw``.

    Deliveries are concurrent, as an MTA makes them: aiosmtpd serves every connection as an
    asyncio task, and each accepted message is ingested in a pool of ``workers`` threads,
    each with its own database connection and transaction. The raw bytes are stored in the
    order the deliveries were handed over (end of DATA; a store is two short statements),
    the rest (parsing, placing, the commit) runs in parallel. A mail answering one that was
    handed over before it, and is still being placed, waits for it (``ingest``), and mails
    of one conversation are placed one after the other (``mail.threadlocks``): a reply
    arriving together with its parent threads onto its ticket. Two deliveries of one
    Message-ID register once (``ingest``: the unique index on final states).
    """

    def __init__(self, *, source: str = "lmtp", executor: ThreadPoolExecutor | None = None,
                 ingest: Callable[[bytes, str], IngestResult] | None = None, workers: int = 4) -> None:
        self.source = source
        self.workers = workers
        self._own_executor = executor is None
        self.executor = executor or ThreadPoolExecutor(max_workers=workers, thread_name_prefix="intake")
        self.ingest = ingest
        self._turns = threading.Condition()
        self._handed = 0  # deliveries handed over (end of DATA), in the event loop's order
        self._stored = 0  # of those, stored (or given up on)

    def _deliver(self, turn: int, raw: bytes) -> IngestResult:
        """In a worker thread: store when every earlier delivery has been stored, then go on."""
        released = False

        def stored() -> None:
            nonlocal released
            if not released:
                released = True
                with self._turns:
                    self._stored += 1
                    self._turns.notify_all()

        try:
            with self._turns:
                # Earlier deliveries were submitted first (FIFO pool): they are running already.
                self._turns.wait_for(lambda: self._stored >= turn, timeout=60)
            if self.ingest is None:
                if connection.vendor == "sqlite":
                    # One writer at a time in SQLite anyway: its deliveries are ingested in turn
                    # (still accepted concurrently) rather than waiting on each other's locks.
                    with _SQLITE_WRITER:
                        return _ingest_in_thread(raw, self.source, stored)
                return _ingest_in_thread(raw, self.source, stored)
            stored()  # another ingest function (tests): no store step to keep in order
            return self.ingest(raw, self.source)
        finally:
            stored()

    def close(self) -> None:
        """Wait for the deliveries in progress, then close every worker's database connection
        (a kept connection would hold the database open long after the server stopped)."""
        if not self._own_executor:
            return
        barrier = threading.Barrier(self.workers)
        closing = [self.executor.submit(_close_thread_connection, barrier) for _ in range(self.workers)]
        for future in closing:
            future.result()
        self.executor.shutdown(wait=True)
        self.executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="intake")

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        turn = self._handed
        self._handed += 1
        try:
            result = await loop.run_in_executor(self.executor, self._deliver, turn, raw)
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


class _LmtpController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


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
        cls = Controller if self.smtp else _LmtpController
        kwargs: dict[str, Any] = {"data_size_limit": self.max_bytes, "enable_SMTPUTF8": True,
                                  "decode_data": False}
        self._controller = cls(self.handler, hostname=self.host, port=self.port, **kwargs)
        self._controller.start()
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
