from __future__ import annotations

from celery import shared_task

from supportdesk.outbox import services


@shared_task(name="supportdesk.outbox.tasks.outbox_flush", ignore_result=True)
def outbox_flush() -> dict[str, int]:
    result = services.outbox_flush()
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}
