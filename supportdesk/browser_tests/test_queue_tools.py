"""Tags, bulk actions and saved views in the real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from supportdesk.browser_tests.test_workspace import BrowserCase
from supportdesk.testing.servers import chromium_available
from supportdesk.tickets import selectors, services, services_tags
from supportdesk.tickets.models import Message, SavedView, Status, Tag, Ticket

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")


class BulkActionTests(BrowserCase):
    def test_select_by_keyboard_and_shift_click_then_assign_solve_and_merge(self):
        made = [self.make_ticket(subject=f"Обращение {i}") for i in range(5)]
        answered = made[1]
        services.ticket_add_message(ticket=answered, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice)
        self.login()
        page = self.page
        rows = page.locator("#queue tbody tr[data-href]")
        expect(rows).to_have_count(5)
        order = [int(rows.nth(i).get_attribute("id")[1:]) for i in range(5)]
        # keyboard: j moves the cursor, x ticks the row under it
        page.keyboard.press("j")
        page.keyboard.press("x")
        page.keyboard.press("j")
        page.keyboard.press("x")
        assert page.locator("#bulk-count").inner_text() == "2"
        # mouse: a click ticks one box, Shift+click the range up to it
        page.locator(f"#t{order[2]} input[name=ticket]").click()
        page.locator(f"#t{order[4]} input[name=ticket]").click(modifiers=["Shift"])
        assert page.locator("#bulk-count").inner_text() == "5"
        page.locator(f"#t{order[3]} input[name=ticket]").click()  # untick one
        assert page.locator("#bulk-count").inner_text() == "4"
        self.shot("bulk-01-selected")
        page.select_option("#bulk-assignee", str(self.sam.pk))
        page.click("#bulk-assign")
        page.wait_for_selector(".messages li")
        assert "Выполнено для 4" in page.locator(".messages").inner_text()
        assert sorted(Ticket.objects.filter(assignee=self.sam).values_list("pk", flat=True)) == sorted(
            order[:3] + order[4:])
        # the whole page, set status: only the answered ticket may be solved without a reason
        page.check("#pick-all")
        assert page.locator("#bulk-count").inner_text() == "5"
        page.select_option("#bulk-status", "solved")
        page.click("#bulk-set-status")
        # The page being left shows the assignment's "Выполнено для 4" in the same place.
        expect(page.locator(".messages")).to_contain_text(f"Выполнено для 1: #{answered.pk}.")
        text = page.locator(".messages").inner_text()
        assert f"Выполнено для 1: #{answered.pk}." in text
        assert text.count("не изменено: По обращению") == 4
        self.shot("bulk-02-refused-rows")
        assert Ticket.objects.get(pk=answered.pk).status == Status.SOLVED
        # merge two into the older one, after the confirmation page
        first, second = sorted(t.pk for t in made if t.pk != answered.pk)[:2]
        page.locator(f"#t{first} input[name=ticket]").check()
        page.locator(f"#t{second} input[name=ticket]").check()
        page.click("#bulk-merge")
        page.wait_for_selector("#confirm-question")
        assert f"в #{first}" in page.locator("#confirm-question").inner_text()
        page.click("#confirm-yes")
        page.wait_for_selector(".messages li")
        assert Ticket.objects.get(pk=second).merged_into_id == first
        assert page.locator(f"#t{second}").count() == 0


class SavedViewTests(BrowserCase):
    def test_save_the_filter_and_sort_and_open_it_from_the_navigation(self):
        old, new, other = (self.make_ticket(subject=s) for s in ("SDI старое", "SDI новое", "лицензия"))
        for t in (old, new):
            services_tags.ticket_tag(ticket=t, add=["sdi"], by_user=self.alice)
        self.login()
        page = self.page
        page.fill("#id_tag", "SDI")
        page.select_option("#id_sort", "newest")
        page.click("#filters button[type=submit]")
        page.wait_for_selector("#active-tags")
        expect(page.locator("#queue tbody tr[data-href]")).to_have_count(2)  # the rows come after the tags
        ids = [r.get_attribute("id") for r in page.locator("#queue tbody tr[data-href]").all()]
        assert ids == [f"t{new.pk}", f"t{old.pk}"]
        page.click("#save-view-box summary")
        page.fill("#save-view-name", "SDI, новые сверху")
        page.click("#save-view")
        page.wait_for_selector(".messages li")
        view = SavedView.objects.get()
        assert (view.query, view.owner) == ("tag=sdi&sort=newest", self.alice)
        link = page.locator(f"#sv-{view.pk}")
        expect(page.locator(f"#svc-{view.pk}")).to_have_text("2")
        assert "active" in (link.get_attribute("class") or "")
        self.shot("views-01-saved")
        page.goto(f"{self.live_server_url}/agent/")
        page.wait_for_selector(f"#t{other.pk}")
        services_tags.ticket_tag(ticket=other, add=["sdi"], by_user=self.alice)
        page.reload()
        expect(page.locator(f"#svc-{view.pk}")).to_have_text("3")
        page.click(f"#sv-{view.pk}")
        page.wait_for_selector("#active-tags")
        expect(page.locator("#queue tbody tr[data-href]")).to_have_count(3)
        ids = [r.get_attribute("id") for r in page.locator("#queue tbody tr[data-href]").all()]
        assert ids == [f"t{other.pk}", f"t{new.pk}", f"t{old.pk}"]
        assert page.locator("#id_sort").input_value() == "newest"
        page.click("#save-view-box summary")
        page.click("#delete-view")
        page.wait_for_selector(".messages li")
        assert not SavedView.objects.exists()


class TagTests(BrowserCase):
    def test_autocomplete_on_the_ticket_page_and_the_queue_filter(self):
        Tag.objects.create(name="sdi выход")
        ticket = self.make_ticket(subject="Нет сигнала на SDI")
        other = self.make_ticket(subject="лицензия")
        self.login()
        page = self.page
        page.goto(f"{self.live_server_url}/agent/tickets/{ticket.pk}/")
        page.locator("#tag-input").press_sequentially("срочно, sd")
        suggestion = page.locator('#tag-suggestions button[value="sdi выход"]')
        suggestion.wait_for()
        self.shot("tags-01-suggestions")
        suggestion.click()
        page.wait_for_selector(".messages li")
        assert selectors.ticket_tags(user=self.alice, ticket=ticket) == ["sdi выход", "срочно"]
        assert "sdi выход" in page.locator("#ticket-tags").inner_text()
        page.goto(f"{self.live_server_url}/agent/")
        page.locator(f"#t{ticket.pk} a.tag", has_text="срочно").click()
        page.wait_for_selector("#active-tags")
        expect(page.locator(f"#t{ticket.pk}")).to_have_count(1)
        assert page.locator(f"#t{other.pk}").count() == 0
