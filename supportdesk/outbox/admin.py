from django.contrib import admin

from supportdesk.outbox.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "to_addrs", "subject", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "kind", "is_automatic")
    search_fields = ("to_addrs", "subject", "message_id", "ref")
    exclude = ("raw",)
    readonly_fields = ("message_id", "kind", "ref", "from_addr", "to_addrs", "subject", "is_automatic", "state",
                       "attempts", "next_attempt_at", "claimed_until", "last_error", "smtp_code", "created_at",
                       "sent_at")
