from django.urls import path

from supportdesk.replies import views

app_name = "replies"
urlpatterns = [
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:pk>/note/", views.ticket_note, name="note"),
    path("tickets/<int:pk>/ask/", views.ticket_ask, name="ask"),
    path("tickets/<int:pk>/wait-release/", views.ticket_wait_release, name="wait_release"),
]
urlpatterns += [
    path("messages/<int:pk>/split/", views.message_split, name="split"),
    path("tickets/new-email/", views.outbound_new, name="outbound"),
]
