"""Issue 13 item 15: error pages are Russian (English on request) and lead back to the look-up
and the contacts, instead of Django's bare English pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, TestCase
from django.utils import translation
from django.views.defaults import permission_denied, server_error


class ErrorPageTests(TestCase):
    def test_portal_404_is_russian_with_a_way_back(self):
        response = self.client.get("/portal/ticket/987654/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "Страница не найдена" in page and "Not Found" not in page
        assert 'href="/portal/lookup/"' in page and 'id="back-contacts"' in page
        assert 'lang="ru"' in page

    def test_404_in_english_on_request(self):
        self.client.cookies["django_language"] = "en"
        page = self.client.get("/no-such-page/").content.decode()
        assert "Page not found" in page and "Find your request" in page

    def test_403_is_russian_with_a_way_back(self):
        request = RequestFactory().get("/portal/ticket/1/")
        with translation.override("ru"):
            response = permission_denied(request, PermissionDenied())
        page = response.content.decode()
        assert response.status_code == 403 and "Доступ запрещён" in page and 'href="/portal/lookup/"' in page

    def test_500_is_russian_and_needs_no_database(self):
        with translation.override("ru"):
            response = server_error(RequestFactory().get("/"))
        page = response.content.decode()
        assert response.status_code == 500
        assert "Что-то пошло не так" in page and 'href="/portal/lookup/"' in page
