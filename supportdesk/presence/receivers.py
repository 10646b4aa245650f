"""The presence strip on the agent's ticket page (tickets.signals.ticket_page_panels)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from supportdesk.tickets.signals import ticket_page_panels


@receiver(ticket_page_panels, dispatch_uid="presence.panel")
def presence_panel(sender: Any, **kwargs: Any) -> list[dict[str, object]]:
    # 0 (or less) turns presence off: no strip, no beats, no leave beacon.
    if settings.PRESENCE_POLL_SECONDS <= 0:
        return []
    return [{"template": "presence/_panel.html", "poll_seconds": settings.PRESENCE_POLL_SECONDS}]
