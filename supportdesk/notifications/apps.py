from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "supportdesk.notifications"
    verbose_name = _("Notifications")
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.notifications import receivers  # noqa: F401  (connects the signal receivers)
