"""IMAP mailboxes (imap-tools): UIDVALIDITY + UID tracking, IDLE where offered, polling otherwise.

A message is flagged ``\\Seen`` (or moved to ``done_folder``) only in ``mark_done``, which
the caller runs after the database commit. ``Mailbox.last_uid`` only moves past a message
that is done, so a crash between fetch and commit fetches the message again and dedupe
in ``ingest`` keeps it single. A new UIDVALIDITY means the folder's UIDs were reset: the
whole folder is read again, and dedupe (Message-ID / content hash) prevents doubles.
"""

from __future__ import annotations

import logging
import os
import re
import ssl
from collections.abc import Iterator
from types import TracebackType

from imap_tools import BaseMailBox, MailBox, MailBoxUnencrypted

from supportdesk.lib.tls import TlsConfigError, tls_client_context, tls_failure_text
from supportdesk.mail.models import PASSWORD_ENV_PATTERN, PASSWORD_ENV_PREFIX, Mailbox

log = logging.getLogger(__name__)
_FETCH_UID = re.compile(rb"UID (\d+)")
FETCH_CHUNK = 50


class ImapConfigError(ValueError):
    pass


def mailbox_password(mailbox: Mailbox) -> str:
    """The password from the environment variable the mailbox names (never stored in the DB)."""
    if not mailbox.password_env:
        raise ImapConfigError(f"mailbox {mailbox.name}: no password variable configured")
    if not re.fullmatch(PASSWORD_ENV_PATTERN, mailbox.password_env):
        # Checked again here: a row written around the form's validation must not read any variable.
        raise ImapConfigError(f"mailbox {mailbox.name}: the password variable must be named "
                              f"{PASSWORD_ENV_PREFIX}..., not {mailbox.password_env}")
    value = os.environ.get(mailbox.password_env)
    if value is None:
        raise ImapConfigError(f"mailbox {mailbox.name}: environment variable {mailbox.password_env} is not set")
    return value


class ImapSource:
    kind = "imap"

    def __init__(self, mailbox: Mailbox, *, timeout: float = 30.0) -> None:
        self.mailbox = mailbox
        self.timeout = timeout
        self._client: BaseMailBox | None = None
        self.uidvalidity: int | None = None
        self._done: set[int] = set()
        self._handed: list[int] = []

    # -- connection -------------------------------------------------------------------------
    def connect(self) -> BaseMailBox:
        if self._client is None:
            mb = self.mailbox
            client = self._open_tls() if mb.use_ssl else MailBoxUnencrypted(mb.host, mb.port or 143,
                                                                             timeout=self.timeout)
            client.login(mb.username, mailbox_password(mb), initial_folder=mb.folder or "INBOX")
            self._client = client
        return self._client

    def _open_tls(self) -> MailBox:
        """IMAP over SSL, the server's certificate verified (system CA store or the mailbox's CA file)."""
        mb = self.mailbox
        port = mb.port or 993
        try:
            context = tls_client_context(ca_file=mb.ca_file)
        except TlsConfigError as exc:
            raise ImapConfigError(f"mailbox {mb.name}: {exc}") from exc
        try:
            return MailBox(mb.host, port, timeout=self.timeout, ssl_context=context)
        except ssl.SSLError as exc:
            text = tls_failure_text(exc, server=f"{mb.host}:{port}", setting="the mailbox's CA file")
            raise ImapConfigError(f"mailbox {mb.name}: {text}") from exc

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.logout()
            except Exception as exc:  # noqa: BLE001 - the connection may already be gone
                log.debug("IMAP logout failed: %s", exc)

    def __enter__(self) -> ImapSource:
        self.connect()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def supports_idle(self) -> bool:
        return "IDLE" in self.connect().client.capabilities

    # -- the source contract ----------------------------------------------------------------
    def source_uid(self, uid: int) -> str:
        return f"{self.mailbox.pk}:{self.uidvalidity}:{uid}"

    def select_folder(self) -> None:
        client = self.connect()
        client.folder.set(self.mailbox.folder or "INBOX")
        status = client.folder.status(self.mailbox.folder or "INBOX", ["UIDVALIDITY"])
        self.uidvalidity = int(status["UIDVALIDITY"])
        if self.mailbox.uidvalidity != self.uidvalidity:
            # The server renumbered the folder: everything in it is read again.
            self.mailbox.uidvalidity = self.uidvalidity
            self.mailbox.last_uid = 0
            self.mailbox.save(update_fields=["uidvalidity", "last_uid"])

    def _pending_uids(self) -> list[int]:
        client = self.connect()
        criteria = f"UID {self.mailbox.last_uid + 1}:*"
        if not self.mailbox.done_folder:
            criteria += " UNSEEN"
        uids = [int(u) for u in client.uids(criteria)]
        # "n:*" always matches the last message, even below n.
        return sorted(u for u in uids if u > self.mailbox.last_uid)

    def fetch_new(self) -> Iterator[tuple[str, bytes]]:
        self.select_folder()
        self._handed = self._pending_uids()
        self._done = set()
        client = self.connect().client
        for start in range(0, len(self._handed), FETCH_CHUNK):
            chunk = self._handed[start:start + FETCH_CHUNK]
            typ, data = client.uid("FETCH", ",".join(map(str, chunk)), "(UID BODY.PEEK[])")
            if typ != "OK":
                raise OSError(f"IMAP FETCH failed: {data!r}")
            for item in data:
                if isinstance(item, tuple) and (match := _FETCH_UID.search(item[0])):
                    yield self.source_uid(int(match.group(1))), item[1]

    def mark_done(self, source_uid: str) -> None:
        uid = int(source_uid.rsplit(":", 1)[1])
        client = self.connect()
        if self.mailbox.done_folder:
            client.move(str(uid), self.mailbox.done_folder)
        else:
            client.flag(str(uid), ["\\Seen"], True)
        self._done.add(uid)
        self._advance()

    def _advance(self) -> None:
        """last_uid moves over the done prefix only: an unfinished message is fetched again."""
        last = self.mailbox.last_uid
        for uid in self._handed:
            if uid <= last:
                continue
            if uid not in self._done:
                break
            last = uid
        if last != self.mailbox.last_uid:
            self.mailbox.last_uid = last
            Mailbox.objects.filter(pk=self.mailbox.pk).update(last_uid=last)

    def wait_for_mail(self, timeout: float) -> bool:
        """Block until the server reports new mail (IDLE) or ``timeout`` passes. True when told."""
        client = self.connect()
        if not self.supports_idle:
            return False
        responses = client.idle.wait(timeout=timeout)
        return bool(responses)
