"""SUPPORTDESK_REQUIRE_SERVERS=1 turns a missing server's skip into a failure; database-only skips stay skips."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from supportdesk.testing.skips import REQUIRE_SERVERS_VAR, database_only, skip_allowed_in_ci

REPO = Path(__file__).resolve().parents[3]
DOVECOT_TEST = "supportdesk/testing/tests/test_servers.py::test_dovecot_append_fetch_flag_move"
POSTGRES_ONLY_TEST = "supportdesk/escalation/tests/test_watcher_concurrency.py"


def path_without_dovecot() -> str:
    """$PATH less every directory that holds a dovecot binary: Dovecot made unavailable."""
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(d for d in dirs if d and not Path(d, "dovecot").exists())


def run_pytest(test: str, *, require: bool, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PATH": path_without_dovecot(), "DATABASE_URL": "", **env}
    environ.pop(REQUIRE_SERVERS_VAR, None)
    if require:
        environ[REQUIRE_SERVERS_VAR] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly", test],
                          cwd=REPO, env=environ, capture_output=True, text=True, timeout=300)


def test_only_database_specific_skips_are_allowed_in_ci() -> None:
    assert skip_allowed_in_ci("Skipped: " + database_only("postgresql", "two writers"))
    assert skip_allowed_in_ci(database_only("sqlite", "query plans"))
    assert not skip_allowed_in_ci("Skipped: dovecot missing or not root")
    assert not skip_allowed_in_ci("needs /usr/bin/chromium")
    with pytest.raises(ValueError, match="unknown database backend"):
        database_only("oracle", "no such run")


def test_a_missing_dovecot_skips_locally_with_its_reason() -> None:
    result = run_pytest(DOVECOT_TEST, require=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "SKIPPED [1]" in result.stdout and "dovecot missing or not root" in result.stdout


def test_a_missing_dovecot_fails_when_servers_are_required() -> None:
    result = run_pytest(DOVECOT_TEST, require=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout
    assert "SUPPORTDESK_REQUIRE_SERVERS=1 forbids this skip" in result.stdout
    assert "dovecot missing or not root" in result.stdout


def test_a_database_only_test_still_skips_when_servers_are_required() -> None:
    result = run_pytest(POSTGRES_ONLY_TEST, require=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" in result.stdout and "only on PostgreSQL" in result.stdout
    assert "forbids" not in result.stdout
