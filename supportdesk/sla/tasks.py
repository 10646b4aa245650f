from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="supportdesk.sla.tasks.heartbeat")
def heartbeat() -> str:
    """Proves a worker is alive and can reach the database; returns the database's view of now."""
    from supportdesk.tickets.models import Ticket

    Ticket.objects.exists()
    return timezone.now().isoformat()
