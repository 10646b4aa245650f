"""Issue 13 item 15: the administration pages are Russian: every model and field our apps show
there has a translatable name, and the sections are named."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils.functional import Promise

from supportdesk.test import Personas


def test_every_model_and_field_has_a_translatable_name():
    missing = []
    for config in apps.get_app_configs():
        if not config.name.startswith("supportdesk."):
            continue
        for model in config.get_models():
            if not isinstance(model._meta.verbose_name, Promise):
                missing.append(model.__name__)
            missing += [f"{model.__name__}.{f.name}" for f in model._meta.get_fields()
                        if not f.auto_created and not isinstance(getattr(f, "verbose_name", None), Promise)]
    assert not missing, missing


def test_every_app_in_the_administration_has_a_translatable_section_name():
    labels = {m._meta.app_config for m in admin.site._registry if m.__module__.startswith("supportdesk.")}
    assert labels and all(isinstance(c.verbose_name, Promise) for c in labels), [c.label for c in labels]


class AdminPagesInRussianTests(Personas, TestCase):
    def test_ticket_page_and_index_are_russian(self):
        self.make_personas()
        ticket = self.make_ticket()
        get_user_model().objects.create_superuser("root", "root@softlab.tv", "pw-pw-pw-pw")
        self.client.login(username="root", password="pw-pw-pw-pw")  # noqa: S106
        index = self.client.get("/admin/").content.decode()
        assert "Обращения" in index and "Исходящая почта" in index and "Входящая почта" in index
        page = self.client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
        for label in ("Клиент", "Ответить до", "Время закрытия", "Ожидаемый выпуск", "Из статуса"):
            assert label in page, label
        assert "Reply due" not in page and "Closed at" not in page
