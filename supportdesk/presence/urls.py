from django.urls import path

from supportdesk.presence import views

app_name = "presence"
urlpatterns = [
    path("tickets/<int:pk>/presence/", views.beat, name="beat"),
    path("tickets/<int:pk>/presence/leave/", views.leave, name="leave"),
]
