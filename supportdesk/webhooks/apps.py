from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outgoing webhooks. The apps that emit events know nothing of this one: it listens to their
    signals (sent inside their transactions) and writes its delivery rows there."""

    name = "supportdesk.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.webhooks import receivers

        receivers.connect()
