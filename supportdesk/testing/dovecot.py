"""A private, throwaway Dovecot IMAP server for tests and benchmarks.

Each instance owns a temporary directory (config, passwd-file, maildirs, log) and a free
loopback port, so several can run side by side and none touches /etc/dovecot.
Needs root: dovecot drops mail access to ``nobody`` and reads the users file as ``dovecot``.
"""

from __future__ import annotations

import imaplib
import os
import re
import shutil
import ssl
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from supportdesk.testing.net import LOOPBACK, free_port, wait_port

TEMPLATE = Path(__file__).with_name("dovecot.conf.in")
_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")
_FORBIDDEN_IN_PASSWD = re.compile(r"[:/\n\r]")


def dovecot_available() -> bool:
    """True where a private instance can run: the binary exists and we are root."""
    return shutil.which("dovecot") is not None and os.geteuid() == 0


def render_config(directory: str, port: int, mailboxes: Sequence[str], tls: Sequence[str] | None = None) -> str:
    """``tls``: (certificate chain file, key file[, CA file]) makes the port IMAP over SSL (implicit TLS)."""
    blocks = "\n".join(f'  mailbox "{name}" {{\n    auto = create\n  }}' for name in mailboxes)
    ssl_lines = f"ssl = required\nssl_cert = <{tls[0]}\nssl_key = <{tls[1]}" if tls else "ssl = no"
    return (
        TEMPLATE.read_text()
        .replace("@SSL@", ssl_lines)
        .replace("@LISTENER_SSL@", "    ssl = yes" if tls else "")
        .replace("@INSTANCE@", f"test-imap-{port}")
        .replace("@DIR@", directory)
        .replace("@PORT@", str(port))
        .replace("@MAILBOXES@", blocks)
    )


def parse_appenduid(response: Sequence[bytes | None]) -> int:
    for line in response:
        if line and (match := _APPENDUID.search(line)):
            return int(match.group(1))
    raise ValueError(f"no APPENDUID in {response!r}")


class DovecotServer:
    """Dovecot running in the foreground (``dovecot -F``) as a child process.

    ``stop(remove=False)`` keeps the directory so that ``start()`` brings the same
    mailboxes back on the same port (UIDVALIDITY unchanged): an IMAP outage.
    """

    host = LOOPBACK

    def __init__(
        self,
        users: dict[str, str] | None = None,
        *,
        mailboxes: Sequence[str] = ("Archive",),
        port: int | None = None,
        tls: tuple[str, str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.tls = tls
        self.mailboxes = tuple(mailboxes)
        self.dir = tempfile.mkdtemp(prefix="dovecot-")
        # mkdtemp gives 0700; the auth process (user dovecot) and mail access (nobody) need +x.
        os.chmod(self.dir, 0o755)  # noqa: S103 - read+search only, as /tmp itself
        mail = Path(self.dir, "mail")
        mail.mkdir()
        shutil.chown(mail, "nobody", "nogroup")
        self.users_dir = Path(self.dir, "users")
        self.users_dir.mkdir(mode=0o755)
        self.config_file = Path(self.dir, "dovecot.conf")
        self.config_file.write_text(render_config(self.dir, self.port, self.mailboxes, tls))
        self.log_file = Path(self.dir, "dovecot.log")
        self._proc: subprocess.Popen[bytes] | None = None
        for name, password in (users or {}).items():
            self.add_user(name, password)

    def add_user(self, name: str, password: str) -> None:
        """Add a login, usable at once (each user has its own passwd-file)."""
        if _FORBIDDEN_IN_PASSWD.search(name + password) or not name or name.startswith("."):
            raise ValueError("user name and password must be non-empty and free of ':', '/' and newlines")
        entry = Path(self.users_dir, name)
        if entry.exists():
            raise ValueError(f"user {name!r} exists")
        # Written aside and renamed so that dovecot never reads a half-written file.
        partial = Path(self.users_dir, f".{name}.tmp")
        partial.write_text(f"{name}:{{PLAIN}}{password}::::::\n")
        partial.chmod(0o644)
        partial.rename(entry)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 10.0) -> DovecotServer:
        if self.running:
            return self
        self._proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            ["dovecot", "-F", "-c", str(self.config_file)],  # noqa: S607 - dovecot from PATH
            stdin=subprocess.DEVNULL,
        )
        try:
            wait_port(self.host, self.port, self._proc, timeout)
        except (RuntimeError, TimeoutError) as exc:
            self.stop()
            raise RuntimeError(f"dovecot did not start: {exc}\n{self.log()}") from exc
        return self

    def stop(self, *, remove: bool = True, timeout: float = 10.0) -> None:
        """Stop the server; with ``remove`` also delete its directory (no restart then)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def connect(self, user: str, password: str) -> imaplib.IMAP4:
        client = (imaplib.IMAP4_SSL(self.host, self.port, ssl_context=ssl.create_default_context(cafile=self.tls[2]),
                                    timeout=10) if self.tls else imaplib.IMAP4(self.host, self.port, timeout=10))
        client.login(user, password)
        return client

    def append(
        self,
        user: str,
        password: str,
        raw: bytes,
        folder: str = "INBOX",
        flags: Iterable[str] = (),
    ) -> int:
        """APPEND ``raw`` to ``folder`` (created if missing) and return its UID.

        imaplib turns bare LF into CRLF, so the stored message may differ from ``raw``
        in line endings only.
        """
        flag_list = "(" + " ".join(flags) + ")" if flags else None
        client = self.connect(user, password)
        try:
            mailbox = _quote(folder)
            typ, data = client.append(mailbox, flag_list, None, raw)
            if typ != "OK":
                client.create(mailbox)
                typ, data = client.append(mailbox, flag_list, None, raw)
            if typ != "OK":
                raise RuntimeError(f"APPEND to {folder!r} failed: {data!r}")
            return parse_appenduid(data)
        finally:
            client.logout()

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
