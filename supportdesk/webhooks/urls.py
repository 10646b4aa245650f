from django.urls import path

from supportdesk.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("new/", views.subscription_create, name="create"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("<int:pk>/active/", views.subscription_active, name="active"),
    path("<int:pk>/ping/", views.subscription_ping, name="ping"),
    path("<int:pk>/secret/", views.subscription_rotate, name="rotate"),
    path("<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="redeliver"),
]
