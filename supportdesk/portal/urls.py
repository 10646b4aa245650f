from django.urls import path

from supportdesk.portal import views, views_compose, views_lookup

app_name = "portal"
urlpatterns = [
    path("", views.contacts, name="contacts"),
    path("contacts/", views.contacts, name="contacts-page"),
    path("portal/compose/", views_compose.composer, name="compose"),
    path("portal/compose/preview/", views_compose.composer_preview, name="compose-preview"),
    path("portal/compose/submit/", views_compose.composer_submit, name="compose-submit"),
    path("portal/lookup/", views_lookup.lookup, name="lookup"),
    path("portal/access/<str:token>/", views_lookup.access, name="access"),
    path("portal/ticket/<int:pk>/", views_lookup.ticket, name="ticket"),
    path("portal/ticket/<int:pk>/add/", views_lookup.ticket_add, name="ticket-add"),
    path("portal/downloads/", views.downloads, name="downloads"),
]
