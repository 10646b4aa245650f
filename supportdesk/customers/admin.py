from django.contrib import admin

from supportdesk.customers.models import Company, CompanyDomain, Customer, CustomerEmail, CustomerPhone


class EmailInline(admin.TabularInline):
    model = CustomerEmail
    extra = 0


class PhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "company", "organization", "language", "timezone", "created_at")
    list_select_related = ("company",)
    search_fields = ("name", "organization", "company__name", "emails__address", "phones__number")
    raw_id_fields = ("company",)
    inlines = [EmailInline, PhoneInline]


class DomainInline(admin.TabularInline):
    model = CompanyDomain
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "contract_tier", "created_at")
    search_fields = ("name", "domains__domain")
    list_filter = ("contract_tier",)
    inlines = [DomainInline]
