from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "supportdesk.phone"
    verbose_name = _("Telephony")
    label = "phone"
    default_auto_field = "django.db.models.BigAutoField"
