from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "supportdesk.catalog"
    verbose_name = _("Catalog")
    label = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.catalog import cached

        cached.connect()
