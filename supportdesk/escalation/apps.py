from django.apps import AppConfig


class EscalationConfig(AppConfig):
    """The escalation watcher and the due-time recompute: they read and update tickets, so they sit
    above ``tickets``; the pure clock arithmetic ``tickets`` uses stays below it in ``supportdesk.sla``.

    The label stays ``sla``: the app's table (``sla_calendarstamp``) and migration history were
    created under it before the split, and a new label would orphan both on existing databases.
    """

    name = "supportdesk.escalation"
    label = "sla"
    default_auto_field = "django.db.models.BigAutoField"
