from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "supportdesk.replies"
    label = "replies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.replies import receivers  # noqa: F401  (connects the signal receivers)
