from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "supportdesk.replies"
    verbose_name = _("Replies")
    label = "replies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.replies import (
            receivers,  # noqa: F401  (connects the signal receivers)
            signatures,
        )

        signatures.connect()
