from __future__ import annotations

from celery import shared_task

from supportdesk.webhooks import services


@shared_task(name="supportdesk.webhooks.tasks.webhooks_deliver", ignore_result=True)
def webhooks_deliver() -> dict[str, int]:
    result = services.webhooks_deliver()
    return {"delivered": result.delivered, "retried": result.retried, "failed": result.failed}
