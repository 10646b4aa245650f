from __future__ import annotations

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task(name="supportdesk.sla.tasks.heartbeat")
def heartbeat() -> str:
    """Proves a worker is alive and reaches the database; returns the worker's view of now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return timezone.now().isoformat()
