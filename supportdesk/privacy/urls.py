from django.urls import path

from supportdesk.privacy import views

app_name = "privacy"
urlpatterns = [
    path("customers/<int:pk>/", views.customer_privacy, name="customer"),
    path("customers/<int:pk>/export/", views.customer_privacy_export, name="export"),
    path("customers/<int:pk>/erase/", views.customer_privacy_erase, name="erase"),
]
