"""Loopback networking helpers shared by the test servers: ports and service probes."""

from __future__ import annotations

import socket
import subprocess
import time
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port that nothing listens on right now.

    The port is released before returning, so a racing process could take it; for
    throwaway test servers on loopback that window is small enough in practice.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_port(
    host: str,
    port: int,
    proc: subprocess.Popen[bytes] | None = None,
    timeout: float = 10.0,
    interval: float = 0.01,
) -> None:
    """Block until ``host:port`` accepts connections.

    Raises RuntimeError at once if ``proc`` exits meanwhile (a server that failed to
    start should not cost the full timeout), TimeoutError when the deadline passes.
    """
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"process {proc.args!r} exited with {proc.returncode} before {host}:{port} opened"
            )
        if port_open(host, port):
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{host}:{port} did not open within {timeout} s")
        time.sleep(interval)


def wait_port_closed(host: str, port: int, timeout: float = 10.0, interval: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while port_open(host, port):
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{host}:{port} still open after {timeout} s")
        time.sleep(interval)


def redis_available(url: str = "redis://127.0.0.1:6379/0", timeout: float = 0.5) -> bool:
    """True when a Redis server at ``url`` answers PING (raw RESP, no client library)."""
    parts = urlsplit(url)
    host, port = parts.hostname or LOOPBACK, parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def postgres_available(
    host: str = LOOPBACK, port: int = 5432, user: str = "postgres", dbname: str = "postgres", timeout: int = 1
) -> bool:
    """True when PostgreSQL accepts a real login (an open port alone may be a server still starting)."""
    try:
        import psycopg
    except ImportError:
        return port_open(host, port, timeout)
    try:
        with psycopg.connect(host=host, port=port, user=user, dbname=dbname, connect_timeout=timeout) as conn:
            conn.execute("select 1")
            return True
    except psycopg.Error:
        return False
