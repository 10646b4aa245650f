from django.contrib import admin

from supportdesk.customers.models import Customer, CustomerEmail, CustomerPhone


class EmailInline(admin.TabularInline):
    model = CustomerEmail
    extra = 0


class PhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "language", "timezone", "created_at")
    search_fields = ("name", "organization", "emails__address", "phones__number")
    inlines = [EmailInline, PhoneInline]
