from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "supportdesk.outbox"
    verbose_name = _("Outgoing mail")
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.outbox import checks  # noqa: F401  (registers the DKIM check)
