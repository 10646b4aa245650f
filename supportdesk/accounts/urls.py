from django.urls import path

from supportdesk.accounts import views

urlpatterns = [
    path("login/code/", views.verify, name="two_factor_verify"),
    path("account/two-factor/", views.setup, name="two_factor_setup"),
]
