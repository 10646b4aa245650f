"""Which test skips a CI run allows.

Locally a test that needs a real server (Dovecot and root, Redis, Chromium, PostgreSQL
running) skips when the server is missing, and ``-rs`` prints why. In CI
(``SUPPORTDESK_REQUIRE_SERVERS=1``, set by ``.ci/run``) such a skip would hide a test that
never ran, so the pytest plugin in ``supportdesk/conftest.py`` turns it into a failure.

The only skips CI allows are tests written for one database backend (a PostgreSQL
concurrency test on the SQLite run, an SQLite query-plan test on the PostgreSQL run):
``.ci/run`` runs the suite on both, so each of them runs in one of the two. They say so
with :func:`database_only`, whose reason starts with :data:`DATABASE_ONLY_PREFIX`.

No pytest here, like the rest of ``supportdesk.testing``.
"""

from __future__ import annotations

import os

REQUIRE_SERVERS_VAR = "SUPPORTDESK_REQUIRE_SERVERS"
DATABASE_ONLY_PREFIX = "only on "
_BACKENDS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def servers_required() -> bool:
    """True when a missing server must fail the run instead of skipping tests."""
    return os.environ.get(REQUIRE_SERVERS_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def database_only(vendor: str, why: str) -> str:
    """The skip reason of a test that runs on one database backend only."""
    if vendor not in _BACKENDS:
        raise ValueError(f"unknown database backend {vendor!r}")
    return f"{DATABASE_ONLY_PREFIX}{_BACKENDS[vendor]}: {why}"


def skip_allowed_in_ci(reason: str) -> bool:
    """True for the skips :func:`database_only` describes; every other skip fails CI."""
    reason = reason.removeprefix("Skipped: ")
    return reason.startswith(DATABASE_ONLY_PREFIX)
