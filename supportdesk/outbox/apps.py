from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "supportdesk.outbox"
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.outbox import checks  # noqa: F401  (registers the DKIM check)
