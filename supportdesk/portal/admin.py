from django.contrib import admin

from supportdesk.portal.models import AccessLink


@admin.register(AccessLink)
class AccessLinkAdmin(admin.ModelAdmin):
    list_display = ("ticket", "email", "created_at", "expires_at", "used_at")
    exclude = ("token_sha256",)
    readonly_fields = ("ticket", "email", "created_at", "expires_at", "used_at")
