from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "supportdesk.kb"
    label = "kb"
    default_auto_field = "django.db.models.BigAutoField"
