"""Periodic intake jobs (listed in supportdesk.jobs.JOBS) and their Celery tasks."""

from __future__ import annotations

from celery import shared_task

from supportdesk.mail.ingest import inbound_process_stale
from supportdesk.mail.polling import poll_all


def mail_poll_imap() -> dict[str, dict[str, int] | str]:
    """Job: poll every enabled IMAP mailbox once."""
    return poll_all()


def mail_process_stale() -> int:
    """Job: finish mails left pending by a process that died mid-way."""
    return inbound_process_stale()


@shared_task(name="supportdesk.mail.tasks.poll_imap", ignore_result=True)
def poll_imap() -> dict[str, dict[str, int] | str]:
    return mail_poll_imap()


@shared_task(name="supportdesk.mail.tasks.process_stale", ignore_result=True)
def process_stale() -> int:
    return mail_process_stale()
