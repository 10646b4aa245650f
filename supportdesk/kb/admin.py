from django.contrib import admin

from supportdesk.kb.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "product", "language", "state", "updated_at")
    list_filter = ("kind", "product", "state", "language")
    search_fields = ("title", "body", "slug")
    prepopulated_fields = {"slug": ("title",)}
