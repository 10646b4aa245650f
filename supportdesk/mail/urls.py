from django.urls import path

from supportdesk.mail import views

app_name = "mail"
urlpatterns = [
    path("", views.held_list, name="held"),
    path("<str:which>/", views.held_list, name="held_list"),
    path("inbound/<int:pk>/raw/", views.raw_download, name="raw"),
    path("inbound/<int:pk>/reprocess/", views.reprocess, name="reprocess"),
    path("inbound/<int:pk>/not-spam/", views.not_spam, name="not_spam"),
]
