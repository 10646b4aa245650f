"""Helpers for the SLA tests that need the database: an edited calendar, a frozen clock."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from django.test import override_settings

from supportdesk.outbox.models import OutgoingMail
from supportdesk.policy import reload_policy
from supportdesk.policy.loader import DEFAULT_POLICY_FILE
from supportdesk.tickets.clocks import reset_office_calendar


def write_calendar_files(folder: Path, overrides: dict[str, str]) -> Path:
    """A policy file like the default one whose calendar data file holds these overrides."""
    data = folder / "calendar.toml"
    data.write_text("[overrides]\n" + "".join(f'"{day}" = "{kind}"\n' for day, kind in overrides.items()))
    policy = folder / "policy.toml"
    text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
    if 'data_file = ""' not in text:
        raise AssertionError("the default policy no longer has an empty calendar.data_file")
    policy.write_text(text.replace('data_file = ""', f'data_file = "{data}"'), encoding="utf-8")
    return policy


@contextmanager
def edited_calendar(overrides: dict[str, str]) -> Iterator[Path]:
    """Run with a policy whose calendar has these overrides; the files may be edited meanwhile.

    The policy and calendar caches are NOT reloaded on entry: applying the change is what the
    code under test does. On exit the default policy is back in force.
    """
    with tempfile.TemporaryDirectory() as tmp:
        policy = write_calendar_files(Path(tmp), overrides)
        try:
            with override_settings(SUPPORTDESK_POLICY_FILE=str(policy)):
                yield policy
        finally:
            reload_policy()
            reset_office_calendar()


def parsed(mail: OutgoingMail) -> EmailMessage:
    return message_from_bytes(bytes(mail.raw), policy=default)  # type: ignore[return-value]


def body_text(mail: OutgoingMail) -> str:
    body = parsed(mail).get_body(("plain",))
    if body is None:
        raise AssertionError("the mail has no text part")
    return str(body.get_content())
