from django.urls import path

from supportdesk.tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
