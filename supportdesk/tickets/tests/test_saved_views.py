from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import forms, services, services_tags
from supportdesk.tickets.models import SavedView, Status


class SavedViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tagged = self.make_ticket(subject="SDI")
        self.plain = self.make_ticket(subject="лицензия")
        services_tags.ticket_tag(ticket=self.tagged, add=["sdi"], by_user=self.alice)
        self.client.login(username="alice", password=PASSWORD)

    def test_filter_query_keeps_filters_and_sort_only(self):
        from django.http import QueryDict

        q = QueryDict("view=open&tag=SDI&tag=ndi&tag=%20sdi&sort=newest&after=x_1&p=3&sv=4&q=&product=")
        assert forms.filter_query(q) == "tag=sdi&tag=ndi&sort=newest"
        filters = forms.filters_from_query("view=mine&tag=SDI&sort=oldest&incomplete=on")
        assert (filters.view, filters.tags, filters.sort, filters.checklist_incomplete) == ("mine", ("sdi",), "oldest", True)

    def test_agent_saves_a_personal_view_with_its_count(self):
        response = self.client.post(reverse("tickets:view_save"), {"name": "  Мои  SDI ", "back": "tag=sdi&sort=newest&p=2"})
        view = SavedView.objects.get()
        assert (view.name, view.query, view.shared, view.owner) == ("Мои SDI", "tag=sdi&sort=newest", False, self.alice)
        assert response["Location"] == f"/agent/?tag=sdi&sort=newest&sv={view.pk}"
        page = self.client.get(response["Location"]).content.decode()
        assert f'id="sv-{view.pk}" data-name="Мои SDI" class="active">Мои SDI<span class="count" id="svc-{view.pk}">' in page
        assert f'id="t{self.tagged.pk}"' in page and f'id="t{self.plain.pk}"' not in page
        assert self.counts() == {view.pk: "1"}
        # the same name again replaces the filter
        self.client.post(reverse("tickets:view_save"), {"name": "Мои SDI", "back": "status=closed"})
        assert SavedView.objects.get().query == "status=closed"
        services.ticket_set_status(ticket=self.plain, status=Status.CLOSED, reason="дубль", confirmed=True)
        assert self.counts() == {view.pk: "1"}
        everything = SavedView.objects.create(owner=self.alice, name="все", query="")
        for i in range(99):
            self.make_ticket(subject=f"t{i}")
        assert self.counts()[everything.pk] == "99+"  # bounded, as the built-in views count

    def counts(self) -> dict[int, str]:
        response = self.client.get(reverse("tickets:view_counts"))
        assert "no-store" in response["Cache-Control"]
        found = re.findall(r'<span class="count" id="svc-(\d+)" hx-swap-oob="true">([^<]*)</span>',
                           response.content.decode())
        return {int(pk): n for pk, n in found}

    def test_personal_views_are_private_and_only_supervisors_share(self):
        mine = SavedView.objects.create(owner=self.alice, name="мой", query="tag=sdi")
        other = Client()
        other.login(username="sam", password=PASSWORD)
        assert f'id="sv-{mine.pk}"' not in other.get(reverse("tickets:queue")).content.decode()
        assert other.post(reverse("tickets:view_delete", args=[mine.pk])).status_code == 404
        assert self.client.post(reverse("tickets:view_save"), {"name": "общий", "shared": "1"}).status_code == 403
        other.post(reverse("tickets:view_save"), {"name": "Общий", "shared": "1", "back": "view=unassigned"})
        shared = SavedView.objects.get(name="Общий")
        page = self.client.get(reverse("tickets:queue")).content.decode()
        assert f'id="sv-{shared.pk}"' in page and "⚑" in page
        # an agent cannot delete a shared view; its supervisor owner can
        self.client.post(reverse("tickets:view_delete", args=[shared.pk]))
        assert SavedView.objects.filter(pk=shared.pk).exists()
        other.post(reverse("tickets:view_delete", args=[shared.pk]))
        assert not SavedView.objects.filter(pk=shared.pk).exists()
        self.client.post(reverse("tickets:view_delete", args=[mine.pk]))
        assert not SavedView.objects.exists()

    def test_bad_names_are_refused_with_the_field(self):
        for name, why in (("   ", "Представлению нужно название."), ("x" * 81, "не больше 80 символов")):
            response = self.client.post(reverse("tickets:view_save"), {"name": name}, follow=True)
            assert f"Не сохранено: Название представления: {why}" in response.content.decode()
        assert not SavedView.objects.exists()
        assert self.client.get(reverse("tickets:view_save")).status_code == 405
