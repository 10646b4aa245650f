from django.urls import path

from supportdesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.contacts, name="contacts"),
    path("contacts/", views.contacts, name="contacts-page"),
]
