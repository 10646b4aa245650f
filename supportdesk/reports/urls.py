from django.urls import path

from supportdesk.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("monthly/", views.monthly, name="monthly"),
    path("<slug:kind>/", views.report, name="report"),
    path("<slug:kind>/export/<slug:table>.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("<slug:kind>/export/<slug:table>.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
]
