from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "supportdesk.mail"
    verbose_name = _("Incoming mail")
    label = "mail"
    default_auto_field = "django.db.models.BigAutoField"
