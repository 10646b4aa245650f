from django.urls import path

from supportdesk.replies import views

app_name = "replies"
urlpatterns = [
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:pk>/note/", views.ticket_note, name="note"),
    path("tickets/<int:pk>/ask/", views.ticket_ask, name="ask"),
    path("tickets/<int:pk>/forward/", views.ticket_forward, name="forward"),
    path("tickets/<int:pk>/wait-release/", views.ticket_wait_release, name="wait_release"),
]
