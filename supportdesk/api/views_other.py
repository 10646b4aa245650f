"""Calls, customers and companies, the knowledge base, releases and reports."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from supportdesk.accounts.roles import has_perm
from supportdesk.api import serializers as s
from supportdesk.api.base import ApiView
from supportdesk.api.views_tickets import MAX_ID, visible_ticket
from supportdesk.catalog.models import Product, Release
from supportdesk.customers.models import Company, Customer
from supportdesk.kb.selectors import published_article, published_articles, search_published
from supportdesk.kb.suggest import article_public_url, kb_suggest
from supportdesk.phone.models import Call
from supportdesk.phone.services import CallLog, call_log
from supportdesk.releases.services import release_create, release_publish
from supportdesk.reports.query import query_from_params
from supportdesk.reports.registry import REPORTS
from supportdesk.tickets.selectors import visible_tickets


class NewestFirst(CursorPagination):
    ordering: str | tuple[str, ...] = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request: Request) -> Any:
        # DRF answers a cursor it cannot read with 404, as if the list were missing; it is bad
        # input (400), as the ticket queue answers it.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            message = _("Not a page position this API gave.")
            raise exceptions.ValidationError({self.cursor_query_param: [message]}) from exc


class ByTitle(NewestFirst):
    ordering = ("title", "id")


def _get(qs: QuerySet[Any], pk: int, missing: str) -> Any:
    """The row, or NotFound with ``missing`` (a message with %(n)s)."""
    found = qs.filter(pk=pk).first() if 1 <= pk <= MAX_ID else None
    if found is None:
        raise exceptions.NotFound(missing % {"n": pk})
    return found


# --- calls -------------------------------------------------------------------------------------

class CallListView(ApiView):
    api_resource = "calls"
    pagination_class = NewestFirst
    serializer_class = s.CallSerializer

    def get_queryset(self) -> QuerySet[Call]:
        # Calls of the tickets the caller may see, and calls not yet on any ticket.
        visible = visible_tickets(user=self.request.user).values("pk")
        return Call.objects.filter(Q(ticket__isnull=True) | Q(ticket__in=visible)).select_related("agent")

    @extend_schema(operation_id="calls_list", responses={200: s.CallSerializer(many=True)}, summary="Calls, newest first")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.CallSerializer(page, many=True).data)

    @extend_schema(operation_id="calls_log", request=s.CallLogSerializer, examples=[
        OpenApiExample("A new phone request", request_only=True, value={
            "direction": "in", "number": "+7 913 123-45-67", "name": "Пётр Сидоров", "subject": "Нет звука на выходе",
            "summary": "С утра нет звука на выходе микшера", "answered": False,
            "checklist": {"description": True, "steps": False, "version": True, "settings": False}}),
    ], responses={201: s.CallSerializer},
                   summary="Log a call: on a ticket, or on a new phone ticket for the caller")
    def post(self, request: Request) -> Response:
        body = s.CallLogSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        ticket = visible_ticket(request, d["ticket"]) if d.get("ticket") else None
        log = CallLog(direction=d["direction"], number=d["number"], summary=d["summary"], answered=d["answered"],
                      name=d["name"], subject=d["subject"], checklist=d["checklist"] or None)
        call = call_log(agent=request.user, log=log, ticket=ticket)
        return Response(s.CallSerializer(call).data, status=status.HTTP_201_CREATED)


# --- customers and companies --------------------------------------------------------------------

class CustomerListView(ApiView):
    api_resource = "customers"
    pagination_class = NewestFirst
    serializer_class = s.CustomerSerializer

    @extend_schema(operation_id="customers_list", responses={200: s.CustomerSerializer(many=True)}, summary="Customers, newest first; ?email= finds one",
                   parameters=[OpenApiParameter("email", str, required=False)])
    def get(self, request: Request) -> Response:
        qs = Customer.objects.select_related("company").prefetch_related("emails", "phones")
        email = request.query_params.get("email", "").strip().lower()[:254]
        if email:
            qs = qs.filter(emails__address=email)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.CustomerSerializer(page, many=True).data)


class CustomerDetailView(ApiView):
    api_resource = "customers"

    @extend_schema(operation_id="customers_read", responses={200: s.CustomerSerializer})
    def get(self, request: Request, pk: int) -> Response:
        qs = Customer.objects.select_related("company").prefetch_related("emails", "phones")
        return Response(s.CustomerSerializer(_get(qs, pk, _("There is no customer #%(n)s."))).data)


class CompanyListView(ApiView):
    api_resource = "customers"
    pagination_class = NewestFirst
    serializer_class = s.CompanySerializer

    @extend_schema(operation_id="companies_list", responses={200: s.CompanySerializer(many=True)}, summary="Companies, newest first")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(Company.objects.prefetch_related("domains"))
        return self.get_paginated_response(s.CompanySerializer(page, many=True).data)


class CompanyDetailView(ApiView):
    api_resource = "customers"

    @extend_schema(operation_id="companies_read", responses={200: s.CompanySerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.CompanySerializer(_get(Company.objects.prefetch_related("domains"), pk,
                                                 _("There is no company #%(n)s."))).data)


# --- knowledge base ----------------------------------------------------------------------------

class ArticleListView(ApiView):
    api_resource = "kb"
    pagination_class = ByTitle
    serializer_class = s.ArticleSerializer

    @extend_schema(operation_id="kb_articles_list", responses={200: s.ArticleSerializer(many=True)}, summary="Published articles")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(published_articles().order_by())
        return self.get_paginated_response(s.ArticleSerializer(page, many=True).data)


class ArticleDetailView(ApiView):
    api_resource = "kb"

    @extend_schema(operation_id="kb_articles_read", responses={200: s.ArticleSerializer})
    def get(self, request: Request, slug: str) -> Response:
        return Response(s.ArticleSerializer(published_article(slug=slug[:200])).data)


class ArticleSearchView(ApiView):
    api_resource = "kb"

    @extend_schema(operation_id="kb_search", parameters=[s.KbQuerySerializer],
                   responses={200: s.ArticleHitSerializer(many=True)},
                   summary="Full-text search (Russian morphology) of the published articles")
    def get(self, request: Request) -> Response:
        q = s.KbQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        hits = search_published(q.validated_data["q"], limit=q.validated_data["limit"])
        return Response([{"slug": h.article.slug, "title": h.article.title, "kind": h.article.kind,
                          "url": article_public_url(h.article), "score": float(h.score)} for h in hits])


class ArticleSuggestView(ApiView):
    api_resource = "kb"

    @extend_schema(operation_id="kb_suggest", request=s.KbSuggestSerializer,
                   responses={200: s.ArticleHitSerializer(many=True)},
                   summary="Articles that answer a request's text (none when no article is confident)")
    def post(self, request: Request) -> Response:
        body = s.KbSuggestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        found = kb_suggest(d["text"], language=d["language"], limit=d["limit"])
        return Response([{"slug": x.slug, "title": x.title, "kind": x.kind, "url": x.url, "score": float(x.score)}
                         for x in found])


# --- releases ----------------------------------------------------------------------------------

class ReleaseListView(ApiView):
    api_resource = "releases"
    pagination_class = NewestFirst
    serializer_class = s.ReleaseSerializer

    @extend_schema(operation_id="releases_list", responses={200: s.ReleaseSerializer(many=True)}, summary="Releases, newest first")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(Release.objects.select_related("product"))
        return self.get_paginated_response(s.ReleaseSerializer(page, many=True).data)

    @extend_schema(operation_id="releases_create", request=s.ReleaseCreateSerializer,
                   responses={201: s.ReleaseSerializer}, summary="Plan a release (supervisors)")
    def post(self, request: Request) -> Response:
        body = s.ReleaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        product = Product.objects.filter(key=d["product"]).first()
        if product is None:
            raise exceptions.ValidationError({"product": [_("There is no product “%(key)s”.") % {"key": d["product"]}]})
        release = release_create(product=product, version=d["version"], by_user=request.user,
                                 planned_for=d.get("planned_for"), notes=d["notes"], notes_en=d["notes_en"],
                                 download_url=d["download_url"])
        return Response(s.ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


class ReleasePublishView(ApiView):
    api_resource = "releases"

    @extend_schema(operation_id="releases_publish", request=s.ReleasePublishSerializer,
                   responses={200: s.ReleasePublishedSerializer},
                   summary="Publish: waiting tickets reopen and their customers are mailed (supervisors)")
    def post(self, request: Request, pk: int) -> Response:
        if not has_perm(request.user, "releases.publish"):
            raise exceptions.PermissionDenied(_("Only supervisors publish releases."))
        release = _get(Release.objects.select_related("product"), pk, _("There is no release #%(n)s."))
        body = s.ReleasePublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reopened = release_publish(release=release, by_user=request.user,
                                   confirmed=body.validated_data["confirmed"])
        release.refresh_from_db()
        return Response({"release": s.ReleaseSerializer(release).data, "reopened": [t.pk for t in reopened]})


# --- reports -----------------------------------------------------------------------------------

class ReportView(ApiView):
    api_resource = "reports"

    @extend_schema(operation_id="reports_read", parameters=[s.ReportQuerySerializer],
                   responses={200: s.ReportSerializer},
                   summary="The figures of one report of the reports section (promise, resolution, load, intake)")
    def get(self, request: Request, kind: str) -> Response:
        spec = REPORTS.get(kind)
        if spec is None:
            raise exceptions.NotFound(_("There is no report “%(kind)s”; the reports are: %(all)s.")
                                      % {"kind": kind[:50], "all": ", ".join(REPORTS)})
        params = s.ReportQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query_dict = QueryDict(mutable=True)
        for key, value in params.validated_data.items():
            query_dict[key] = value.isoformat() if hasattr(value, "isoformat") else value
        query, form = query_from_params(query_dict, request.user, default_group=spec.default_group)
        if form.errors:
            raise exceptions.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        built = spec.build(query)
        return Response({"kind": kind, "title": str(built.title), "start": query.start, "end": query.end,
                         "tables": [{"key": t.key, "title": str(t.title), "columns": [str(c) for c in t.columns],
                                     "rows": [[_cell(c) for c in row] for row in t.rows],
                                     "total": [_cell(c) for c in t.total] if t.total is not None else None,
                                     "note": str(t.note)} for t in built.tables()]})


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, int | str):
        return value
    return str(value)  # a Link: its text
