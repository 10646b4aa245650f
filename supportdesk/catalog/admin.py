from django.contrib import admin

from supportdesk.catalog.models import Brand, Product, Release


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "key")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "key", "is_active")
    list_filter = ("brand", "is_active")


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("product", "version", "status", "planned_for", "published_at")
    list_filter = ("product", "status")
    search_fields = ("version", "notes")
