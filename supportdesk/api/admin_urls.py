from django.urls import path

from supportdesk.api import views_admin

app_name = "api_admin"
urlpatterns = [
    path("", views_admin.token_list, name="tokens"),
    path("<int:pk>/revoke/", views_admin.token_revoke_view, name="revoke"),
]
