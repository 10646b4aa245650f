from django.urls import path

from supportdesk.releases import views

app_name = "releases"
urlpatterns = [
    path("", views.release_list, name="list"),
    path("<int:pk>/publish/", views.release_publish_view, name="publish"),
]
