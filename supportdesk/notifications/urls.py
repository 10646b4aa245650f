from django.urls import path

from supportdesk.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/badge/", views.badge, name="badge"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="open"),
    path("notifications/settings/", views.notification_settings, name="settings"),
    path("tickets/<int:pk>/follow/", views.ticket_follow, name="follow"),
]
