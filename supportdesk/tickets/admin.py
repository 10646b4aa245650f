from django.contrib import admin

from supportdesk.tickets.models import Attachment, Message, StatusChange, Ticket


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "at", "by_user", "reason")
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    # Tickets change only through services (lifecycle rules): the admin shows them read-only.
    list_display = ("id", "subject", "customer", "status", "channel", "reply_due_at", "assignee", "created_at")
    list_filter = ("status", "channel", "product", "unreachable_by_email")
    search_fields = ("id", "subject", "customer__emails__address")
    readonly_fields = [f.name for f in Ticket._meta.fields]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "ticket", "kind", "from_addr", "created_at", "is_automatic", "is_robot")
    list_filter = ("kind", "is_automatic", "is_robot")
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("filename", "content_type", "size", "message")
    readonly_fields = [f.name for f in Attachment._meta.fields]

