from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "supportdesk.reports"
    verbose_name = _("Reports")
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"
