from __future__ import annotations

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task(name="supportdesk.sla.tasks.heartbeat")
def heartbeat() -> str:
    """Proves a worker is alive and reaches the database (even an unmigrated one); returns its now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return timezone.now().isoformat()


@shared_task(name="supportdesk.sla.tasks.sla_watch", ignore_result=True)
def sla_watch() -> dict[str, object]:
    """The escalation watcher on Celery beat; safe beside a ``--loop`` watcher (claims are conditional)."""
    from supportdesk.sla.watcher import sla_watch as watch

    result = watch()
    return {"warned": result.warned, "breached": result.breached, "mails": result.mails,
            "recomputed": result.recomputed}
