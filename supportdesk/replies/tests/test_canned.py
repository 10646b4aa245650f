"""Canned answers and macros: placeholders, languages, who sees and manages what, and macros
applied through the ticket services in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supportdesk.catalog.models import Release
from supportdesk.outbox.models import OutgoingMail
from supportdesk.policy import get_policy
from supportdesk.replies.canned import (
    canned_delete,
    canned_render,
    canned_save,
    canned_search,
    canned_visible,
)
from supportdesk.replies.forms import CannedForm
from supportdesk.replies.macros import macro_apply
from supportdesk.replies.models import CannedResponse
from supportdesk.replies.placeholders import fill, unfilled_placeholders, unknown_placeholders
from supportdesk.replies.services import ticket_reply
from supportdesk.test import BaseTestCase
from supportdesk.tickets import services as tickets
from supportdesk.tickets import services_checklist
from supportdesk.tickets.models import Message, Status
from supportdesk.tickets.services import ConfirmationRequired, InvalidAction


def test_placeholders_are_words_in_braces_and_json_is_left_alone():
    text = 'Пример: {"mode": 1} и { customer_name } и {product} и {client_nmae}'
    assert unknown_placeholders(text) == ["client_nmae"]
    filled = fill(text, {"customer_name": "Иван", "product": ""})
    assert filled.text == 'Пример: {"mode": 1} и Иван и {product} и {client_nmae}'
    assert filled.missing == ("product",)
    assert unfilled_placeholders(filled.text) == ["product"]


class CannedTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.product = self.products["forward-ts"]
        Release.objects.create(product=self.product, version="6.2.1", status=Release.Status.PUBLISHED,
                               download_url="https://softlab.tv/download/6.2.1")
        Release.objects.create(product=self.product, version="6.10.0", status=Release.Status.PUBLISHED,
                               download_url="https://softlab.tv/download/6.10.0")
        Release.objects.create(product=self.product, version="7.0", status=Release.Status.PLANNED)

    def test_every_placeholder_is_filled_from_the_ticket(self):
        ticket = self.make_ticket()
        services_checklist.ticket_set_product(ticket=ticket, product=self.product, version="6.1", by_user=self.alice)
        canned = CannedResponse.objects.create(title="Обновление", body=(
            "{customer_name}, по обращению {ticket_number}: {product} {version} устарела, текущая — "
            "{current_release}, скачать: {download_link}. {agent_name}, {support_phone}"))
        rendered = canned_render(canned=canned, ticket=ticket, author=self.alice)
        assert rendered.text == (
            f"Иван Иванов, по обращению {ticket.pk}: {self.product.name} 6.1 устарела, текущая — 6.10.0, "
            f"скачать: https://softlab.tv/download/6.10.0. Алиса, {get_policy().main_phone.number}")
        assert rendered.missing == () and rendered.unknown == ()

    def test_a_value_the_ticket_lacks_stays_visible_and_the_reply_is_refused(self):
        ticket = self.make_ticket()  # no product yet
        canned = CannedResponse.objects.create(title="Версия", body="Текущая версия {product}: {current_release}.")
        rendered = canned_render(canned=canned, ticket=ticket, author=self.alice)
        assert rendered.text == "Текущая версия {product}: {current_release}."
        assert rendered.missing == ("product", "current_release")
        with pytest.raises(InvalidAction, match=r"\{product\}, \{current_release\}"):
            ticket_reply(ticket=ticket, author=self.alice, text=rendered.text)
        with pytest.raises(InvalidAction):
            ticket_reply(ticket=ticket, author=self.alice, text="", canned=canned)
        assert not OutgoingMail.objects.exists()

    def test_the_version_in_the_tickets_language_wins_and_the_other_is_the_fallback(self):
        ticket = self.make_ticket()
        both = CannedResponse.objects.create(title="Привет", body="Здравствуйте, {customer_name}!",
                                             body_en="Hello {customer_name},")
        russian_only = CannedResponse.objects.create(title="Только RU", body="Только по-русски")
        assert canned_render(canned=both, ticket=ticket, author=self.alice).text == "Здравствуйте, Иван Иванов!"
        ticket.language = "en"
        english = canned_render(canned=both, ticket=ticket, author=self.alice)
        assert english.text == "Hello Иван Иванов," and english.language == "en" and not english.other_language
        fallback = canned_render(canned=russian_only, ticket=ticket, author=self.alice)
        assert fallback.text == "Только по-русски" and fallback.other_language

    def test_an_unknown_placeholder_is_refused_at_save_naming_it(self):
        form = CannedForm(data={"title": "Драйвер", "body": "{customer_name}, обновите {drvier_version}",
                                "body_en": "Hello {nmae}"}, instance=CannedResponse(owner=self.alice))
        assert not form.is_valid()
        assert "{drvier_version}" in form.errors["body"][0]
        assert "{nmae}" in form.errors["body_en"][0]
        with pytest.raises(ValidationError) as caught:
            canned_save(user=self.alice, canned=None, data={"title": "x", "body": "{oops}"}, shared=False)
        assert "{oops}" in str(caught.value)
        assert not CannedResponse.objects.exists()

    def test_personal_answers_are_their_owners_and_shared_ones_the_supervisors(self):
        mine = canned_save(user=self.alice, canned=None, data={"title": "Моё", "body": "текст"}, shared=False)
        shared = canned_save(user=self.sam, canned=None, data={"title": "Общее", "body": "текст"}, shared=True)
        sams = canned_save(user=self.sam, canned=None, data={"title": "Семёна", "body": "текст"}, shared=False)
        assert mine.owner == self.alice and shared.owner is None
        assert set(canned_visible(user=self.alice)) == {mine, shared}
        assert set(canned_visible(user=self.bob)) == set()
        with pytest.raises(PermissionDenied):
            canned_save(user=self.alice, canned=None, data={"title": "x", "body": "y"}, shared=True)
        with pytest.raises(PermissionDenied):
            canned_save(user=self.alice, canned=shared, data={"title": "изменено"}, shared=True)
        with pytest.raises(PermissionDenied):
            canned_delete(user=self.sam, canned=mine)  # a supervisor does not edit someone's personal answers
        with pytest.raises(PermissionDenied):  # nor does anyone send them
            ticket_reply(ticket=self.make_ticket(), author=self.alice, text="", canned=sams)
        canned_delete(user=self.alice, canned=mine)
        assert not CannedResponse.objects.filter(pk=mine.pk).exists()

    def test_search_folds_cyrillic_case_and_ranks_titles_first(self):
        driver = CannedResponse.objects.create(title="Драйвер платы", body="Обновите драйвер.")
        mention = CannedResponse.objects.create(title="Логи", body="Пришлите логи; ДРАЙВЕР тоже.")
        CannedResponse.objects.create(title="Лицензия", body="Бесплатно.")
        assert canned_search(user=self.alice, q="драйвер") == [driver, mention]
        assert canned_search(user=self.alice, q="  ") == list(CannedResponse.objects.order_by("title"))


class MacroTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.product = self.products["forward-ts"]

    def test_one_click_replies_then_sets_product_assignee_and_status(self):
        ticket = self.make_ticket()
        macro = CannedResponse.objects.create(title="Решено обновлением", body="{customer_name}, обновитесь.",
                                              set_status=CannedResponse.SetStatus.SOLVED,
                                              assign=CannedResponse.Assign.ME, set_product=self.product)
        result = macro_apply(ticket=ticket, macro=macro, author=self.alice)
        ticket.refresh_from_db()
        assert result.reply is not None and result.reply.body_text.startswith("Иван Иванов, обновитесь.")
        assert ticket.status == Status.SOLVED and ticket.assignee == self.alice and ticket.product == self.product
        assert OutgoingMail.objects.count() == 1
        events = list(ticket.messages.filter(kind=Message.Kind.EVENT).values_list("event", flat=True))
        assert events[-4:] == ["product", "assigned", "status", "macro"]
        assert result.reply.created_at >= ticket.messages.get(event="product").created_at

    def test_the_agents_edit_of_the_text_is_what_is_sent(self):
        ticket = self.make_ticket()
        macro = CannedResponse.objects.create(title="Ждём", body="Пришлите логи.",
                                              set_status=CannedResponse.SetStatus.WAITING_CUSTOMER)
        macro_apply(ticket=ticket, macro=macro, author=self.alice, text="Пришлите логи и FDConfig2, пожалуйста.")
        ticket.refresh_from_db()
        assert ticket.status == Status.WAITING_CUSTOMER
        assert ticket.messages.get(kind=Message.Kind.OUTGOING).body_text.startswith("Пришлите логи и FDConfig2")

    def test_a_refused_step_undoes_the_whole_macro(self):
        ticket = self.make_ticket()
        tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, by_user=self.alice, reason="дубль",
                                  confirmed=True)
        macro = CannedResponse.objects.create(title="Ждём", body="Пришлите логи.", assign=CannedResponse.Assign.ME,
                                              set_status=CannedResponse.SetStatus.WAITING_CUSTOMER)
        with pytest.raises(ValueError, match="solved"):  # solved -> waiting_customer is not in the lifecycle
            macro_apply(ticket=ticket, macro=macro, author=self.alice)
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED and ticket.assignee is None
        assert not OutgoingMail.objects.exists()
        assert not ticket.messages.filter(kind=Message.Kind.OUTGOING).exists()

    def test_ending_an_unanswered_ticket_without_text_needs_a_confirmed_reason(self):
        ticket = self.make_ticket()
        macro = CannedResponse.objects.create(title="Спам", set_status=CannedResponse.SetStatus.CLOSED)
        with pytest.raises(ConfirmationRequired):
            macro_apply(ticket=ticket, macro=macro, author=self.alice)
        with pytest.raises(ConfirmationRequired):
            macro_apply(ticket=ticket, macro=macro, author=self.alice, confirmed=True, reason=" ")
        macro_apply(ticket=ticket, macro=macro, author=self.alice, confirmed=True, reason="реклама")
        ticket.refresh_from_db()
        assert ticket.status == Status.CLOSED
        assert ticket.status_changes.last().reason == "реклама"

    def test_someone_elses_personal_macro_cannot_be_applied(self):
        macro = CannedResponse.objects.create(title="Семёна", owner=self.sam, assign=CannedResponse.Assign.ME)
        ticket = self.make_ticket()
        with pytest.raises(PermissionDenied):
            macro_apply(ticket=ticket, macro=macro, author=self.alice)
        ticket.refresh_from_db()
        assert ticket.assignee is None
