from django.urls import path

from supportdesk.tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="status"),
    path("tickets/<int:pk>/reopen/", views.ticket_reopen, name="reopen"),
    path("tickets/<int:pk>/contacts/", views.ticket_contacts, name="contacts"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="assign"),
    path("tickets/<int:pk>/take/", views.ticket_take, name="take"),
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="priority"),
    path("tickets/<int:pk>/product/", views.ticket_product, name="product"),
    path("tickets/<int:pk>/merge/", views.ticket_merge, name="merge"),
    path("tickets/<int:pk>/checklist/", views.ticket_checklist, name="checklist"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
