"""The canned-answer, macro and signature pages: permissions in the views, POST-only writes,
errors that name the field."""

from __future__ import annotations

from django.test import Client

from supportdesk.catalog.models import Brand
from supportdesk.replies.models import CannedResponse, Signature
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets.models import Status


class CannedPageTests(BaseTestCase):
    def client_for(self, user) -> Client:
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    def test_agents_manage_their_own_supervisors_the_shared_ones(self):
        alice, sam = self.client_for(self.alice), self.client_for(self.sam)
        assert alice.post("/agent/canned/new/?shared=1", {"title": "x", "body": "y"}).status_code == 403
        response = alice.post("/agent/canned/new/", {"title": "Моё", "body": "Здравствуйте, {customer_name}!"})
        assert response.status_code == 302
        mine = CannedResponse.objects.get(title="Моё")
        assert mine.owner == self.alice
        response = sam.post("/agent/canned/new/?shared=1", {"title": "Общее", "body": "Текст", "assign": "me",
                                                             "set_status": "solved"})
        shared = CannedResponse.objects.get(title="Общее")
        assert response.status_code == 302 and shared.owner is None and shared.is_macro
        assert sam.get(f"/agent/canned/{mine.pk}/").status_code == 404  # someone's personal: not even seen
        assert alice.post(f"/agent/canned/{shared.pk}/", {"title": "Моё теперь", "body": "x"}).status_code == 403
        page = alice.get("/agent/canned/").content.decode()
        assert "Моё" in page and "Общее" in page and f"/agent/canned/{shared.pk}/" not in page
        assert self.client_for(self.bob).get("/agent/canned/").status_code == 403

    def test_an_unknown_placeholder_is_a_form_error_naming_the_field_and_the_name(self):
        response = self.client_for(self.alice).post("/agent/canned/new/", {
            "title": "Драйвер", "body": "{customer_name}, обновите {drvier}", "body_en": ""})
        assert response.status_code == 200
        error = response.content.decode()
        assert 'id="error-body"' in error and "{drvier}" in error
        assert not CannedResponse.objects.exists()
        response = self.client_for(self.alice).post("/agent/canned/new/", {
            "title": "Назначить", "assign": "user"})
        assert 'id="error-assignee"' in response.content.decode()

    def test_delete_asks_first_and_is_post_only(self):
        mine = CannedResponse.objects.create(title="Моё", body="x", owner=self.alice)
        alice = self.client_for(self.alice)
        assert alice.get(f"/agent/canned/{mine.pk}/delete/").status_code == 405
        assert 'id="confirm-form"' in alice.post(f"/agent/canned/{mine.pk}/delete/").content.decode()
        assert CannedResponse.objects.filter(pk=mine.pk).exists()
        assert alice.post(f"/agent/canned/{mine.pk}/delete/", {"confirm": "1"}).status_code == 302
        assert not CannedResponse.objects.filter(pk=mine.pk).exists()

    def test_the_picker_lists_visible_answers_filled_in_for_the_ticket(self):
        ticket = self.make_ticket()
        CannedResponse.objects.create(title="Привет", body="Здравствуйте, {customer_name}! <b>")
        CannedResponse.objects.create(title="Семёна", body="личное", owner=self.sam)
        CannedResponse.objects.create(title="Сломанный", body="{oops}")
        page = self.client_for(self.alice).get(f"/agent/tickets/{ticket.pk}/canned/", {"q": ""}).content.decode()
        assert 'data-text="Здравствуйте, Иван Иванов! &lt;b&gt;"' in page
        assert "Семёна" not in page
        assert 'data-unknown="{oops}"' in page
        found = self.client_for(self.alice).get(f"/agent/tickets/{ticket.pk}/canned/", {"q": "ПРИВ"})
        assert "Привет" in found.content.decode() and "Сломанный" not in found.content.decode()
        assert self.client_for(self.bob).get(f"/agent/tickets/{ticket.pk}/canned/").status_code == 403
        assert self.client_for(self.alice).get("/agent/tickets/999999/canned/").status_code == 404

    def test_a_macro_ending_an_unanswered_ticket_asks_for_a_reason_then_applies(self):
        ticket = self.make_ticket()
        macro = CannedResponse.objects.create(title="Спам", set_status="closed", assign="me")
        alice = self.client_for(self.alice)
        url = f"/agent/tickets/{ticket.pk}/macro/"
        assert alice.get(url).status_code == 405
        page = alice.post(url, {"macro": macro.pk, "text": ""}).content.decode()
        assert 'id="confirm-form"' in page and 'name="macro"' in page
        ticket.refresh_from_db()
        assert ticket.status == Status.NEW and ticket.assignee is None
        assert alice.post(url, {"macro": macro.pk, "text": "", "confirm": "1", "reason": "реклама"}).status_code == 302
        assert "применён макрос «Спам»" in alice.get(f"/agent/tickets/{ticket.pk}/").content.decode()
        ticket.refresh_from_db()
        assert ticket.status == Status.CLOSED and ticket.assignee == self.alice

    def test_the_time_spent_goes_with_the_macros_reply(self):
        ticket = self.make_ticket()
        macro = CannedResponse.objects.create(title="Ответ", body="Обновите драйвер.", set_status="solved")
        response = self.client_for(self.alice).post(f"/agent/tickets/{ticket.pk}/macro/", {
            "macro": macro.pk, "text": "", "minutes": "15"})
        assert response.status_code == 302
        assert ticket.messages.get(kind="outgoing").time_spent == 15

    def test_a_refused_macro_is_shown_in_the_reply_box_with_the_text_kept(self):
        ticket = self.make_ticket()
        macro = CannedResponse.objects.create(title="Версия", body="x", set_status="open")
        response = self.client_for(self.alice).post(f"/agent/tickets/{ticket.pk}/macro/", {
            "macro": macro.pk, "text": "Текущая версия {current_release}"})
        page = response.content.decode()
        assert 'id="reply-error"' in page and "{current_release}" in page
        assert "Текущая версия {current_release}</textarea>" in page
        response = self.client_for(self.alice).post(f"/agent/tickets/{ticket.pk}/macro/", {"macro": "999"})
        assert 'id="reply-error"' in response.content.decode()


class SignaturePageTests(BaseTestCase):
    def test_agents_edit_their_own_supervisors_the_brands(self):
        brand = Brand.objects.first()
        alice = Client()
        alice.login(username="alice", password=PASSWORD)
        page = alice.get("/agent/signatures/").content.decode()
        assert 'id="signature-mine"' in page and "signature-brand-" not in page
        assert alice.post(f"/agent/signatures/brand/{brand.pk}/", {f"brand-{brand.pk}-text": "x"}).status_code == 403
        assert alice.post("/agent/signatures/default/", {"default-text": "x"}).status_code == 403
        assert alice.post("/agent/signatures/mine/", {"mine-text": "Алиса\r\nL2"}).status_code == 302
        assert Signature.objects.get(user=self.alice).text == "Алиса\nL2"
        bad = alice.post("/agent/signatures/mine/", {"mine-text": "{nmae}"})
        assert bad.status_code == 400 and "{nmae}" in bad.content.decode()
        sam = Client()
        sam.login(username="sam", password=PASSWORD)
        assert f'id="signature-brand-{brand.pk}"' in sam.get("/agent/signatures/").content.decode()
        response = sam.post(f"/agent/signatures/brand/{brand.pk}/", {f"brand-{brand.pk}-text": "СофтЛаб",
                                                                     f"brand-{brand.pk}-in_automatic": "on"})
        assert response.status_code == 302
        assert Signature.objects.get(brand=brand).in_automatic
        assert sam.post("/agent/signatures/brand/999999/", {}).status_code == 404
