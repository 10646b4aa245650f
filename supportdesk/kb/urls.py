from django.urls import path

from supportdesk.kb import views

app_name = "kb"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("<slug:slug>/", views.article_detail, name="article"),
]
