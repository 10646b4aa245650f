from django.contrib import admin

from supportdesk.phone.models import Call, CtiIntegration


@admin.register(CtiIntegration)
class CtiIntegrationAdmin(admin.ModelAdmin):
    list_display = ("name", "enabled", "created_at")
    exclude = ("token_sha256",)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("id", "direction", "state", "number", "customer", "agent", "ticket", "started_at", "after_hours")
    list_filter = ("direction", "state", "after_hours")
