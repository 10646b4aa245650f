from django.urls import path

from supportdesk.companies import views

app_name = "companies"
urlpatterns = [
    path("", views.company_list, name="list"),
    path("new/", views.company_new, name="new"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/edit/", views.company_edit, name="edit"),
    path("<int:pk>/contacts/", views.company_add_contact, name="add_contact"),
    path("<int:pk>/contacts/<int:customer_pk>/remove/", views.company_remove_contact, name="remove_contact"),
    path("<int:pk>/merge/", views.company_merge, name="merge"),
    path("customers/<int:pk>/company/", views.customer_company, name="customer_company"),
]
