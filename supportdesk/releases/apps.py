from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "supportdesk.releases"
    verbose_name = _("Releases")
    label = "releases"
    default_auto_field = "django.db.models.BigAutoField"
