"""System checks: DKIM is configured completely or not at all, and the key is usable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


def _parts() -> dict[str, str]:
    return {
        "SUPPORTDESK_DKIM_SELECTOR": settings.DKIM_SELECTOR,
        "SUPPORTDESK_DKIM_DOMAIN": settings.DKIM_DOMAIN,
        "SUPPORTDESK_DKIM_KEY_FILE": settings.DKIM_PRIVATE_KEY_FILE,
    }


@register(deploy=True)
def dkim_enabled(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not any(_parts().values()):
        return [Warning("outgoing mail is not DKIM-signed; it is more likely to land in spam",
                        hint="set SUPPORTDESK_DKIM_SELECTOR, SUPPORTDESK_DKIM_DOMAIN and SUPPORTDESK_DKIM_KEY_FILE",
                        id="outbox.W001")]
    return []


@register()
def dkim_configuration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    parts = _parts()
    given = [name for name, value in parts.items() if value]
    if not given:
        return []
    missing = [name for name in parts if name not in given]
    if missing:
        return [Error(f"DKIM is half configured: {', '.join(missing)} not set",
                      hint="set all three DKIM variables, or none", id="outbox.E001")]
    key = Path(settings.DKIM_PRIVATE_KEY_FILE)
    try:
        head = key.read_bytes()[:64]
    except OSError as exc:
        return [Error(f"SUPPORTDESK_DKIM_KEY_FILE={key}: cannot read ({exc})", id="outbox.E002")]
    if b"PRIVATE KEY" not in head:
        return [Error(f"SUPPORTDESK_DKIM_KEY_FILE={key}: not a PEM private key", id="outbox.E003")]
    return []
