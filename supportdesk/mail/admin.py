from django.contrib import admin

from supportdesk.mail.models import InboundMail, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "address", "host", "folder", "enabled", "last_polled_at")


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ("id", "state", "from_addr", "subject", "received_at", "ticket")
    list_filter = ("state", "source")
    search_fields = ("from_addr", "subject", "message_id")
    exclude = ("raw",)
    readonly_fields = ("mailbox", "source", "source_uid", "size", "content_hash", "message_id", "dedupe_key",
                       "received_at", "state", "from_addr", "subject", "error", "attempts", "processed_at", "ticket",
                       "history")
