from __future__ import annotations

import pytest
from django.test import SimpleTestCase
from django.urls import reverse

from supportdesk.audit.models import AuditEntry
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import selectors, services, services_tags
from supportdesk.tickets.models import Message, Status, Tag, TicketTag
from supportdesk.tickets.tags import BadTag, normalize_tag, split_tags


class NormalizeTests(SimpleTestCase):
    def test_one_spelling_per_tag(self):
        assert normalize_tag("  SDI   Выход ") == "sdi выход"
        assert normalize_tag("Е\u0301") == normalize_tag("\u0415\u0301".lower())
        assert split_tags("SDI, sdi ,ndi,, Лицензия") == ["sdi", "ndi", "лицензия"]

    def test_bad_names_say_why(self):
        for raw, why in (("   ", "empty"), ("x" * 51, "50"), ("a/b", "/"), ("a\x00b", "U+0000"), ("a?b", "?")):
            with pytest.raises(BadTag) as exc, self.settings(LANGUAGE_CODE="en"):
                normalize_tag(raw)
            assert why in str(exc.value) or why == "empty"


class TicketTagTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        self.client.login(username="alice", password=PASSWORD)

    def test_add_and_remove_record_one_event_each(self):
        assert services_tags.ticket_tag(ticket=self.ticket, add=["SDI", "лицензия", "sdi"], by_user=self.alice) == [
            "sdi", "лицензия"]
        assert services_tags.ticket_tag(ticket=self.ticket, add=["sdi"], by_user=self.alice) == ["sdi", "лицензия"]
        assert services_tags.ticket_tag(ticket=self.ticket, remove=["Лицензия"], by_user=self.alice) == ["sdi"]
        events = list(Message.objects.filter(ticket=self.ticket, event="tags").values_list("event_data", flat=True))
        assert events == [{"added": ["sdi", "лицензия"], "removed": []}, {"added": [], "removed": ["лицензия"]}]
        page = self.client.get(reverse("tickets:detail", args=[self.ticket.pk])).content.decode()
        assert "метки добавлены: sdi, лицензия" in page

    def test_ticket_page_adds_typed_and_picked_tags(self):
        Tag.objects.create(name="sdi выход")
        url = reverse("tickets:tags_add", args=[self.ticket.pk])
        self.client.post(url, {"tag": "ndi, sd", "pick": "sdi выход"})
        assert selectors.ticket_tags(user=self.alice, ticket=self.ticket) == ["ndi", "sdi выход"]
        response = self.client.post(url, {"tag": "a/b"}, follow=True)
        assert "Метки: Метка не может содержать «/»." in response.content.decode()
        page = self.client.get(reverse("tickets:detail", args=[self.ticket.pk])).content.decode()
        assert 'id="tag-form"' in page and ">ndi<" in page
        self.client.post(reverse("tickets:tags_remove", args=[self.ticket.pk]), {"name": "ndi"})
        assert selectors.ticket_tags(user=self.alice, ticket=self.ticket) == ["sdi выход"]

    def test_suggestions_skip_the_tickets_own_tags(self):
        for name in ("sdi", "sdi выход", "nosdi", "ndi"):
            Tag.objects.create(name=name)
        services_tags.ticket_tag(ticket=self.ticket, add=["sdi"], by_user=self.alice)
        body = self.client.get(reverse("tickets:tag_suggest"), {"tag": "ndi, SD", "ticket": self.ticket.pk}).content.decode()
        assert 'value="sdi выход"' in body and 'value="nosdi"' in body
        assert 'value="sdi"' not in body and 'value="ndi"' not in body
        assert body.index("sdi выход") < body.index("nosdi")  # prefix matches first
        assert self.client.get(reverse("tickets:tag_suggest"), {"tag": "", "ticket": "²"}).status_code == 200

    def test_queue_shows_and_filters_by_tags(self):
        other = self.make_ticket(subject="Вопрос по лицензии")
        services_tags.ticket_tag(ticket=self.ticket, add=["sdi", "срочно"], by_user=self.alice)
        services_tags.ticket_tag(ticket=other, add=["sdi"], by_user=self.alice)
        queue = reverse("tickets:queue")
        body = self.client.get(queue).content.decode()
        assert 'href="?tag=%D1%81%D1%80%D0%BE%D1%87%D0%BD%D0%BE">срочно</a>' in body
        both = self.client.get(queue, {"tag": "SDI"}).content.decode()
        assert f'id="t{self.ticket.pk}"' in both and f'id="t{other.pk}"' in both
        one = self.client.get(queue + "?tag=sdi&tag=%D1%81%D1%80%D0%BE%D1%87%D0%BD%D0%BE").content.decode()
        assert f'id="t{self.ticket.pk}"' in one and f'id="t{other.pk}"' not in one
        assert 'id="active-tags"' in one
        none = self.client.get(queue, {"tag": "нет такой"}).content.decode()
        assert f'id="t{self.ticket.pk}"' not in none
        assert self.client.get(queue, {"tag": "a/b?"}).status_code == 200

    def test_rare_and_common_tags_page_the_same_way(self):
        made = [self.make_ticket(subject=f"t{i}") for i in range(5)]
        for t in made:
            services_tags.ticket_tag(ticket=t, add=["x"], by_user=self.alice)
        services.ticket_set_status(ticket=made[0], status=Status.WAITING_CUSTOMER)
        for sort in ("due", "newest", "oldest"):
            seen, after = [], None
            while True:
                page = selectors.queue_page(user=self.alice, filters=selectors.QueueFilters(tags=("x",), sort=sort),
                                            after=after, size=2)
                seen += [t.pk for t in page.tickets]
                if page.next_cursor is None:
                    break
                after = selectors.Cursor.decode(page.next_cursor.encode())
            assert sorted(seen) == sorted(t.pk for t in made), sort
            if sort == "newest":
                assert seen == sorted(seen, reverse=True)
            if sort == "oldest":
                assert seen == sorted(seen)


class TagAdminTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.a, self.b = self.make_ticket(), self.make_ticket()
        services_tags.ticket_tag(ticket=self.a, add=["sdi", "sdi-2"], by_user=self.alice)
        services_tags.ticket_tag(ticket=self.b, add=["sdi-2"], by_user=self.alice)

    def test_supervisor_renames_and_merges(self):
        self.client.login(username="sam", password=PASSWORD)
        sdi2 = Tag.objects.get(name="sdi-2")
        page = self.client.get(reverse("tickets:tags")).content.decode()
        assert f'action="{reverse("tickets:tag_merge", args=[sdi2.pk])}"' in page
        response = self.client.post(reverse("tickets:tag_rename", args=[sdi2.pk]), {"name": "SDI"}, follow=True)
        assert "уже есть" in response.content.decode()
        self.client.post(reverse("tickets:tag_rename", args=[sdi2.pk]), {"name": "SDI 2"})
        assert Tag.objects.get(pk=sdi2.pk).name == "sdi 2"
        self.client.post(reverse("tickets:tag_merge", args=[sdi2.pk]), {"into": "sdi"})
        assert not Tag.objects.filter(pk=sdi2.pk).exists()
        assert sorted(TicketTag.objects.values_list("ticket_id", "tag__name")) == [(self.a.pk, "sdi"), (self.b.pk, "sdi")]
        assert AuditEntry.objects.filter(action=AuditEntry.Action.ADMIN_CHANGE, actor_name="sam").count() == 2

    def test_agents_may_not(self):
        self.client.login(username="alice", password=PASSWORD)
        tag = Tag.objects.get(name="sdi")
        assert self.client.get(reverse("tickets:tags")).status_code == 200
        assert self.client.post(reverse("tickets:tag_rename", args=[tag.pk]), {"name": "y"}).status_code == 403
        assert self.client.post(reverse("tickets:tag_merge", args=[tag.pk]), {"into": "sdi-2"}).status_code == 403
        assert self.client.get(reverse("tickets:tag_rename", args=[tag.pk])).status_code == 405
        assert Tag.objects.get(pk=tag.pk).name == "sdi"
        with pytest.raises(services.InvalidAction):
            services_tags.tag_merge(source=tag, target=tag, by_user=self.sam)
