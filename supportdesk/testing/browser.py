"""Debian's Chromium for Playwright, and a static file server to point it at.

Never `playwright install`: it downloads a browser build from outside the package
registries. Playwright drives the distribution's /usr/bin/chromium instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from supportdesk.testing.net import LOOPBACK, free_port, wait_port

CHROMIUM_PATH = "/usr/bin/chromium"
# As root Chromium needs --no-sandbox; the networking flags stop it from calling home,
# which on a closed network means many refused connections and slow start-ups.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


# Set on the document shown before an action; the document the action loads has no such mark.
_MARK_OLD_DOCUMENT = "() => document.documentElement.setAttribute('data-test-old-document', '')"
_NEW_DOCUMENT = "html:not([data-test-old-document])"


def click_to_load(page: Any, target: Any, **click_options: Any) -> None:
    """Click a link or a form's button that loads a new document (``target``: a selector or a
    Playwright locator) and return once that document has loaded.

    Playwright's click waits for the navigation it starts only when Chromium reports the
    navigation before the click returns; when it does not (a loaded machine), the next read
    sees the page being left. ``wait_for_url`` does not help when the new document has the
    address already shown (a form posted back to its own page, a report shown again with the
    range its address already carries): it returns at once. This waits for a document without
    the mark set on the old one, then for its load event. Not for an action that swaps part of
    the page (htmx) or writes the document from a script: wait for what they put there instead.
    """
    page.evaluate(_MARK_OLD_DOCUMENT)
    (page.locator(target) if isinstance(target, str) else target).click(**click_options)
    page.wait_for_selector(_NEW_DOCUMENT, state="attached")
    page.wait_for_load_state()


def chromium_available() -> bool:
    return os.access(CHROMIUM_PATH, os.X_OK)


def chromium_launch_args(*, headless: bool = True) -> dict[str, Any]:
    """Keyword arguments for ``playwright.chromium.launch(**...)``.

    For pytest-playwright, merge them into the ``browser_type_launch_args`` fixture.
    """
    return {"executable_path": CHROMIUM_PATH, "headless": headless, "args": list(CHROMIUM_ARGS)}


class ChromiumPerClass:
    """Mixin for a live-server test case: one Playwright Chromium for the class's tests,
    as ``cls.browser`` (a test opens its own context)."""

    playwright: Any
    browser: Any
    # Presence beats (on load, on a timer, and the leave beacon when a page is left) write to the
    # database while the test itself reads and writes it: writes a test did not ask for, which
    # make SQLite's single writer wait. Presence is off (0) except in the presence tests, which
    # set a poll interval.
    presence_poll_seconds = 0
    _presence_poll: Any

    @classmethod
    def setUpClass(cls) -> None:
        from django.test import override_settings

        cls._presence_poll = override_settings(PRESENCE_POLL_SECONDS=cls.presence_poll_seconds)
        cls._presence_poll.enable()
        super().setUpClass()  # type: ignore[misc]
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(**chromium_launch_args())

    def _fixture_teardown(self) -> None:
        # Close the test's pages before the database is emptied: a page left open keeps polling
        # (presence, the notification bell) and its requests would hold SQLite's tables locked
        # while the flush runs.
        for context in list(self.browser.contexts):
            context.close()
        # A request the closed page had in flight may still hold the write lock for a moment.
        for attempt in range(10):
            try:
                super()._fixture_teardown()  # type: ignore[misc]
                return
            except Exception:  # SQLite's "database is locked" as OperationalError or flush's CommandError
                if attempt == 9:
                    raise
                time.sleep(0.5)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()  # type: ignore[misc]
        cls._presence_poll.disable()


class StaticHttpServer:
    """``python -m http.server`` over ``directory`` on a free loopback port."""

    host = LOOPBACK

    def __init__(self, directory: str | os.PathLike[str], *, port: int | None = None) -> None:
        self.directory = Path(directory)
        self.port = port or free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> StaticHttpServer:
        if self._proc is None:
            self._proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                [sys.executable, "-m", "http.server", str(self.port), "--bind", self.host],
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_port(self.host, self.port, self._proc, timeout)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            proc.wait(timeout)

    def __enter__(self) -> StaticHttpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
