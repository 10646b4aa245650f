from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    """The agents' company pages: list, search, one company with its contacts and tickets, merge."""

    name = "supportdesk.companies"
    verbose_name = _("Companies")
    label = "companies"
    default_auto_field = "django.db.models.BigAutoField"
