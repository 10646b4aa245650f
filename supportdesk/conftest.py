"""Project-wide pytest configuration."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from supportdesk.testing.skips import REQUIRE_SERVERS_VAR, servers_required, skip_allowed_in_ci

os.environ.setdefault("SUPPORTDESK_DEV", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in the test thread


def _fail_forbidden_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Under SUPPORTDESK_REQUIRE_SERVERS=1 a skip for a missing server fails (see testing/skips.py)."""
    if not (report.skipped and servers_required()) or hasattr(report, "wasxfail"):
        return
    longrepr: Any = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    if skip_allowed_in_ci(reason):
        return
    report.outcome = "failed"
    report.longrepr = f"{REQUIRE_SERVERS_VAR}=1 forbids this skip, the test did not run: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    _fail_forbidden_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    report = yield
    _fail_forbidden_skip(report)
    return report


@pytest.fixture(autouse=True)
def _fresh_configuration_cache() -> None:
    """Each test starts with no configuration kept from an earlier one (``lib.configcache``):
    a TransactionTestCase empties the tables with TRUNCATE, which sends no signal."""
    from supportdesk.lib import configcache

    configcache.forget()


def _open_atomic_blocks() -> dict[str, int]:
    from django.db import connections

    return {conn.alias: len(conn.atomic_blocks) for conn in connections.all(initialized_only=True)
            if conn.in_atomic_block}


@pytest.fixture(autouse=True)
def _no_transaction_left_open() -> Generator[None, None, None]:
    """A test ends in the transaction it started in: one that leaves an ``atomic`` block open
    would run every later test of its worker inside it (their commits never happen, their
    on_commit work never runs), and the failures would show far from the cause."""
    before = _open_atomic_blocks()
    yield
    after = _open_atomic_blocks()
    if after != before:
        pytest.fail(f"the test left database transactions open: atomic blocks {before} before, {after} after")
