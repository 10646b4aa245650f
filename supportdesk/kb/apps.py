from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "supportdesk.kb"
    label = "kb"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.kb import indexing

        indexing.connect()  # feeds the search index (which never imports kb)
