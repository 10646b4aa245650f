from django.urls import path

from supportdesk.replies import canned_views, signature_views, views

app_name = "replies"
urlpatterns = [
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:pk>/note/", views.ticket_note, name="note"),
    path("tickets/<int:pk>/ask/", views.ticket_ask, name="ask"),
    path("tickets/<int:pk>/wait-release/", views.ticket_wait_release, name="wait_release"),
    path("tickets/<int:pk>/canned/", canned_views.canned_pick, name="canned_pick"),
    path("tickets/<int:pk>/macro/", canned_views.ticket_macro, name="macro"),
    path("canned/", canned_views.canned_list, name="canned_list"),
    path("canned/new/", canned_views.canned_edit, name="canned_new"),
    path("canned/<int:pk>/", canned_views.canned_edit, name="canned_edit"),
    path("canned/<int:pk>/delete/", canned_views.canned_delete_view, name="canned_delete"),
    path("signatures/", signature_views.signatures, name="signatures"),
    path("signatures/mine/", signature_views.signature_mine, name="signature_mine"),
    path("signatures/default/", signature_views.signature_default, name="signature_default"),
    path("signatures/brand/<int:pk>/", signature_views.signature_brand, name="signature_brand"),
]
