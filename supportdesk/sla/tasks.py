from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="supportdesk.sla.tasks.heartbeat")
def heartbeat() -> str:
    """Proves a worker is alive and can reach the database; returns the database's view of now."""
    from supportdesk.tickets.models import Ticket

    Ticket.objects.exists()
    return timezone.now().isoformat()


@shared_task(name="supportdesk.sla.tasks.sla_watch", ignore_result=True)
def sla_watch() -> dict[str, object]:
    """The escalation watcher on Celery beat; safe beside a ``--loop`` watcher (claims are conditional)."""
    from supportdesk.sla.watcher import sla_watch as watch

    result = watch()
    return {"warned": result.warned, "breached": result.breached, "mails": result.mails,
            "recomputed": result.recomputed}
