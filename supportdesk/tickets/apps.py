from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "supportdesk.tickets"
    verbose_name = _("Tickets")
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportdesk.tickets import indexing

        indexing.connect()  # feeds the search index (which never imports tickets)
