"""/api/v1/: the resources, the OpenAPI document (public, stable) and its docs page (agents)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from supportdesk.accounts.decorators import agent_required
from supportdesk.api import views_other as other
from supportdesk.api import views_tickets as t
from supportdesk.api.base import client_language
from supportdesk.api.errors import error_body


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> JsonResponse:
    translation.activate(client_language(request))
    return JsonResponse(error_body("not_found", _("There is no such API address.")), status=404)


schema = SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[])

app_name = "api"
urlpatterns = [
    path("schema/", schema, name="schema"),
    path("docs/", agent_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("tickets/", t.TicketListView.as_view(), name="tickets"),
    path("tickets/<int:pk>/", t.TicketDetailView.as_view(), name="ticket"),
    path("tickets/<int:pk>/status/", t.TicketStatusView.as_view(), name="ticket-status"),
    path("tickets/<int:pk>/assign/", t.TicketAssignView.as_view(), name="ticket-assign"),
    path("tickets/<int:pk>/priority/", t.TicketPriorityView.as_view(), name="ticket-priority"),
    path("tickets/<int:pk>/tags/", t.TicketTagsView.as_view(), name="ticket-tags"),
    path("tickets/<int:pk>/replies/", t.TicketReplyView.as_view(), name="ticket-replies"),
    path("tickets/<int:pk>/notes/", t.TicketNoteView.as_view(), name="ticket-notes"),
    path("calls/", other.CallListView.as_view(), name="calls"),
    path("customers/", other.CustomerListView.as_view(), name="customers"),
    path("customers/<int:pk>/", other.CustomerDetailView.as_view(), name="customer"),
    path("companies/", other.CompanyListView.as_view(), name="companies"),
    path("companies/<int:pk>/", other.CompanyDetailView.as_view(), name="company"),
    path("kb/articles/", other.ArticleListView.as_view(), name="kb-articles"),
    path("kb/articles/<slug:slug>/", other.ArticleDetailView.as_view(), name="kb-article"),
    path("kb/search/", other.ArticleSearchView.as_view(), name="kb-search"),
    path("kb/suggest/", other.ArticleSuggestView.as_view(), name="kb-suggest"),
    path("releases/", other.ReleaseListView.as_view(), name="releases"),
    path("releases/<int:pk>/publish/", other.ReleasePublishView.as_view(), name="release-publish"),
    path("reports/<str:kind>/", other.ReportView.as_view(), name="report"),
    # Any character, a newline too: a path no pattern above takes is still answered in JSON.
    re_path(r"^(?P<rest>[\s\S]*)$", unknown, name="unknown"),
]
