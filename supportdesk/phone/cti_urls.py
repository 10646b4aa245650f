"""The telephony webhook (mounted under /cti/): no session, a bearer token per integration."""

from django.urls import path

from supportdesk.phone import views

app_name = "cti"
urlpatterns = [
    path("<str:name>/events", views.cti_events, name="events"),
]
