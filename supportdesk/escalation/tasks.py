from __future__ import annotations

from celery import shared_task

from supportdesk.escalation.watcher import sla_watch as watch


@shared_task(name="supportdesk.escalation.tasks.sla_watch", ignore_result=True)
def sla_watch() -> dict[str, object]:
    """The escalation watcher on Celery beat; safe beside a ``--loop`` watcher (claims are conditional)."""
    result = watch()
    return {"warned": result.warned, "breached": result.breached, "mails": result.mails,
            "recomputed": result.recomputed}
