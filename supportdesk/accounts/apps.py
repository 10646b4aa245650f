from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in
from django.core.cache.backends.db import DatabaseCache
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _create_cache_table(*, using: str = "default", **_kwargs: Any) -> None:
    """`migrate` also creates the database cache's table (the shared cache of the embedded
    mode); a no-op with Redis or when the table is there."""
    from django.conf import settings
    from django.core.management import call_command

    if any(str(c["BACKEND"]).endswith(DatabaseCache.__name__) for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "supportdesk.accounts"
    verbose_name = _("Accounts")
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # post_migrate is sent per app with models; this app has none, so listen for auth's.
        post_migrate.connect(_create_cache_table, sender=apps.get_app_config("auth"),
                             dispatch_uid="supportdesk-cache-table")
        from supportdesk.accounts.sessions import session_expiry_on_login

        user_logged_in.connect(session_expiry_on_login, dispatch_uid="supportdesk-session-expiry")
        from supportdesk.accounts.models import Team, TeamRule
        from supportdesk.lib.configcache import config_changed

        # The routing rules are kept per process (tickets.routing_rules): any change is seen at once.
        for model in (Team, TeamRule):
            name = model.__name__.lower()
            post_save.connect(config_changed, sender=model, dispatch_uid=f"configcache.{name}.saved")
            post_delete.connect(config_changed, sender=model, dispatch_uid=f"configcache.{name}.deleted")
