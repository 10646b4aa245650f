"""Agent pages of the phone channel (mounted under /agent/phone/)."""

from django.urls import path

from supportdesk.phone import views

app_name = "phone"
urlpatterns = [
    path("popup/", views.popup, name="popup"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/<int:call_pk>/to/<int:ticket_pk>/", views.call_to_ticket, name="call_to_ticket"),
]
