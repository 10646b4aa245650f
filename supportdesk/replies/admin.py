from django.contrib import admin

from supportdesk.replies.models import CannedResponse, Signature


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    # The model's clean() refuses unknown placeholders here as in the app.
    list_display = ("title", "owner", "set_status", "assign", "set_product")
    list_filter = ("set_status", "assign")
    search_fields = ("title", "body", "body_en")


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ("__str__", "scope", "in_automatic", "updated_at")
    list_filter = ("scope",)
