from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "supportdesk.kb"
    verbose_name = _("Knowledge base")
    label = "kb"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.kb import indexing

        indexing.connect()  # feeds the search index (which never imports kb)
