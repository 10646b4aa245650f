from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresenceConfig(AppConfig):
    name = "supportdesk.presence"
    verbose_name = _("Who is on it")
    label = "presence"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.presence import receivers  # noqa: F401  (adds the panel to the ticket page)
