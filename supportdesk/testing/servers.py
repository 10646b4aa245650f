"""Real servers for tests and benchmarks, as plain classes and context managers.

No pytest here: fixtures (conftest.py) and benchmark scripts both build on these.

    with DovecotServer({"alice": "pw"}) as imap, SmtpSink(refuse=["nobody@x.test"]) as smtp:
        uid = imap.append("alice", "pw", raw_bytes)
        ...
        smtp.wait_for(1)

The implementations live in one module per server; this module is the public face.
"""

from supportdesk.testing.browser import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    StaticHttpServer,
    chromium_available,
    chromium_launch_args,
)
from supportdesk.testing.celery_worker import (
    REDIS_TEST_URL,
    CeleryWorker,
    flush_redis_db,
    redis_test_url,
)
from supportdesk.testing.dovecot import DovecotServer, dovecot_available
from supportdesk.testing.net import (
    LOOPBACK,
    free_port,
    port_open,
    postgres_available,
    redis_available,
    wait_port,
    wait_port_closed,
)
from supportdesk.testing.smtp import ReceivedMessage, SmtpSink

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_PATH",
    "LOOPBACK",
    "REDIS_TEST_URL",
    "CeleryWorker",
    "DovecotServer",
    "ReceivedMessage",
    "SmtpSink",
    "StaticHttpServer",
    "chromium_available",
    "chromium_launch_args",
    "dovecot_available",
    "flush_redis_db",
    "free_port",
    "port_open",
    "postgres_available",
    "redis_available",
    "redis_test_url",
    "wait_port",
    "wait_port_closed",
]
