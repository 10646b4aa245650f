"""An SMTP (or LMTP) sink on loopback that records what it receives.

Runs aiosmtpd in a background thread of the calling process, so a test can send mail
through the code under test and then assert on exact envelopes and bytes.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from supportdesk.testing.net import LOOPBACK, free_port, wait_port_closed

RecipientPolicy = Callable[[str], "str | None"]


def _not_login_data_notice(record: logging.LogRecord) -> bool:
    # aiosmtpd itself sets the deprecated Session.login_data on every successful AUTH
    # and logs a warning about it; that noise says nothing about the code under test.
    return "login_data is deprecated" not in record.getMessage()


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    peer: str
    login: str | None = None
    helo: str = ""  # the name the client gave in EHLO/HELO/LHLO
    received_at: float = field(default_factory=time.time)


class _Recorder:
    """aiosmtpd handler: applies the sink's refusal rules, stores accepted messages."""

    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_MAIL(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if self.sink.credentials is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self.sink.recipient_reply(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        reply = self.sink.data_reply()
        if reply is not None:
            return reply
        content = envelope.original_content if envelope.original_content is not None else envelope.content
        data = content if isinstance(content, bytes) else (content or "").encode()
        login = session.auth_data if isinstance(session.auth_data, str) else None
        self.sink.record(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=data,
                peer=str(session.peer[0]) if session.peer else "",
                login=login,
                helo=str(session.host_name or ""),
            )
        )
        return "250 Message accepted for delivery"


class _LmtpController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


class SmtpSink:
    """Records envelopes (``messages``); can refuse recipients and fail temporarily.

    - ``refuse``: addresses answered ``550 5.1.1`` at RCPT.
    - ``recipient_policy``: ``address -> reply or None`` for anything else (e.g. a 451 greylist).
    - ``tempfail(times)``: the next ``times`` messages get ``451 4.3.0`` at DATA.
    - ``credentials``: require SMTP AUTH (PLAIN/LOGIN, no TLS) with these logins.
    - ``lmtp=True`` speaks LMTP (LHLO) instead of SMTP.
    - ``tls_context``: offer STARTTLS with this server context, and require it.
    ``stop()`` then ``start()`` rebinds the same port: a real outage in between.
    """

    host = LOOPBACK

    def __init__(
        self,
        *,
        port: int | None = None,
        refuse: Iterable[str] = (),
        recipient_policy: RecipientPolicy | None = None,
        credentials: dict[str, str] | None = None,
        lmtp: bool = False,
        server_hostname: str = "sink.test",
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.port = port or free_port()
        self.refuse = {address.lower() for address in refuse}
        self.recipient_policy = recipient_policy
        self.credentials = dict(credentials) if credentials else None
        self.lmtp = lmtp
        self.server_hostname = server_hostname
        self.tls_context = tls_context
        self._messages: list[ReceivedMessage] = []
        self._changed = threading.Condition()
        self._tempfail_left = 0
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._changed:
            return list(self._messages)

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()

    def record(self, message: ReceivedMessage) -> None:
        with self._changed:
            self._messages.append(message)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Return the messages once at least ``count`` arrived; TimeoutError otherwise."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(f"{len(self._messages)} of {count} messages arrived within {timeout} s")
            return list(self._messages)

    def tempfail(self, times: int = 1) -> None:
        with self._changed:
            self._tempfail_left = times

    def recipient_reply(self, address: str) -> str | None:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user"
        return self.recipient_policy(address) if self.recipient_policy else None

    def data_reply(self) -> str | None:
        with self._changed:
            if self._tempfail_left > 0:
                self._tempfail_left -= 1
                return "451 4.3.0 Temporary failure, try again later"
        return None

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self.credentials is not None:
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if self.credentials.get(login) == password:
                return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)

    def _smtp_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "server_hostname": self.server_hostname,
            "enable_SMTPUTF8": True,
            "decode_data": False,
        }
        if self.tls_context is not None:  # STARTTLS offered and required before MAIL
            kwargs.update(tls_context=self.tls_context, require_starttls=True)
        if self.credentials is not None:
            aiosmtpd_log = logging.getLogger("mail.log")
            if _not_login_data_notice not in aiosmtpd_log.filters:
                aiosmtpd_log.addFilter(_not_login_data_notice)
            # auth_required=True would warn about AUTH without TLS; handle_MAIL enforces it instead.
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        return kwargs

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpSink:
        if self._controller is not None:
            return self
        controller_class = _LmtpController if self.lmtp else Controller
        # A fresh Controller (and so a fresh event loop) each time: a stopped one cannot restart.
        controller = controller_class(
            _Recorder(self),
            loop=asyncio.new_event_loop(),
            hostname=self.host,
            port=self.port,
            ready_timeout=5.0,
            **self._smtp_kwargs(),
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()
            wait_port_closed(self.host, self.port, timeout=5.0)

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _Cleans(Protocol):
    def addCleanup(self, function: Callable[..., object], /, *args: Any, **kwargs: Any) -> None: ...  # noqa: N802


def sink_for_test(case: _Cleans) -> SmtpSink:
    """A started sink that the outbox sends to for the rest of ``case`` (SMTP_HOST and SMTP_PORT
    point at it); stopped, and the settings restored, when the test is cleaned up."""
    from django.test import override_settings

    sink = SmtpSink().start()
    case.addCleanup(sink.stop)
    smtp = override_settings(SMTP_HOST=sink.host, SMTP_PORT=sink.port, SMTP_TIMEOUT=5)
    smtp.enable()
    case.addCleanup(smtp.disable)
    return sink
