from django.urls import path

from supportdesk.tickets import views, views_queue, views_tags, views_teams

app_name = "tickets"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="status"),
    path("tickets/<int:pk>/reopen/", views.ticket_reopen, name="reopen"),
    path("tickets/<int:pk>/contacts/", views.ticket_contacts, name="contacts"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="assign"),
    path("tickets/<int:pk>/take/", views.ticket_take, name="take"),
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="priority"),
    path("tickets/<int:pk>/team/", views.ticket_team, name="team_route"),
    path("tickets/<int:pk>/product/", views.ticket_product, name="product"),
    path("tickets/<int:pk>/merge/", views.ticket_merge, name="merge"),
    path("tickets/<int:pk>/checklist/", views.ticket_checklist, name="checklist"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("teams/", views_teams.team_list, name="teams"),
    path("teams/new/", views_teams.team_create, name="team_create"),
    path("teams/<int:pk>/", views_teams.team_detail, name="team"),
    path("teams/<int:pk>/save/", views_teams.team_update, name="team_update"),
    path("teams/<int:pk>/members/", views_teams.team_members, name="team_members"),
    path("teams/<int:pk>/rules/", views_teams.team_rule_add, name="team_rule_add"),
    path("teams/<int:pk>/delete/", views_teams.team_delete, name="team_delete"),
    path("teams/rules/<int:pk>/delete/", views_teams.team_rule_delete, name="team_rule_delete"),
    path("tickets/<int:pk>/tags/", views_tags.ticket_tags_add, name="tags_add"),
    path("tickets/<int:pk>/tags/remove/", views_tags.ticket_tags_remove, name="tags_remove"),
    path("tags/", views_tags.tag_list, name="tags"),
    path("tags/suggest/", views_tags.tag_suggest, name="tag_suggest"),
    path("tags/<int:pk>/rename/", views_tags.tag_rename, name="tag_rename"),
    path("tags/<int:pk>/merge/", views_tags.tag_merge, name="tag_merge"),
    path("bulk/", views_queue.queue_bulk, name="bulk"),
    path("views/counts/", views_queue.saved_view_counts, name="view_counts"),
    path("views/save/", views_queue.saved_view_save, name="view_save"),
    path("views/<int:pk>/delete/", views_queue.saved_view_delete, name="view_delete"),
]
