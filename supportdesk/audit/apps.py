from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "supportdesk.audit"
    verbose_name = _("Audit")
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from supportdesk.lib import db_prepared

        # The first app to load with a database concern: every PostgreSQL connection survives a
        # schema change under its prepared statements (lib.db_prepared).
        connection_created.connect(db_prepared.install, dispatch_uid="supportdesk-prepared-statements")
        from django.contrib import admin
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth.models import User
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import m2m_changed, post_save, pre_save

        from supportdesk.audit import signals
        from supportdesk.audit.admin_actions import audited_delete_selected

        user_logged_in.connect(signals.on_logged_in, dispatch_uid="audit-login")
        user_login_failed.connect(signals.on_login_failed, dispatch_uid="audit-login-failed")
        pre_save.connect(signals.on_user_pre_save, sender=User, dispatch_uid="audit-user-pre")
        post_save.connect(signals.on_user_post_save, sender=User, dispatch_uid="audit-user-post")
        m2m_changed.connect(signals.on_groups_changed, sender=User.groups.through, dispatch_uid="audit-groups")
        post_save.connect(signals.on_admin_log, sender=LogEntry, dispatch_uid="audit-admin-log")
        admin.site.add_action(audited_delete_selected, "delete_selected")
