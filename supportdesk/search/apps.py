from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "supportdesk.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.search import signals  # noqa: F401  (connects the index to writes)
