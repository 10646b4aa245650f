"""LMTP (or SMTP) delivery with aiosmtpd: an MTA hands us each message directly.

We answer 250 only after ``ingest_raw`` has committed the raw bytes (and usually the whole
mail); any failure before that is a 451 so the MTA keeps the message and retries. The size
limit is answered at DATA with 552. Ingestion runs in worker threads: the ORM is blocking.
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
from django.db import close_old_connections, connection

from supportdesk.mail.ingest import IngestResult, ingest_raw

log = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_mail_bytes() -> int:
    return int(getattr(settings, "SUPPORTDESK_MAX_MAIL_BYTES", DEFAULT_MAX_BYTES))


def _ingest_in_thread(raw: bytes, source: str) -> IngestResult:
    close_old_connections()
    try:
        return ingest_raw(raw, source=source)
    finally:
        # Pool threads outlive the server; a kept connection would hold the database open
        # (and block dropping it) long after the delivery. Reconnecting costs a few ms per mail.
        connection.close()


class IntakeHandler:
    """aiosmtpd handler: every accepted message goes through ``ingest_raw``."""

    def __init__(self, *, source: str = "lmtp", executor: ThreadPoolExecutor | None = None,
                 ingest: Callable[[bytes, str], IngestResult] = _ingest_in_thread) -> None:
        self.source = source
        self.executor = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="intake")
        self.ingest = ingest

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self.executor, self.ingest, raw, self.source)
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
