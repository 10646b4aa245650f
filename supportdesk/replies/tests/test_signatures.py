"""Signatures: the agent's and the brand's (or the default) under replies, in both parts;
automatic mail only with a brand signature meant for it, never an agent's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supportdesk.catalog.models import Brand
from supportdesk.outbox.models import OutgoingMail
from supportdesk.replies.models import Signature
from supportdesk.replies.services import ticket_reply
from supportdesk.replies.signatures import signature_for, signature_save
from supportdesk.replies.tests.helpers import html_part, parsed, text_part
from supportdesk.replies.tests.test_services import receive
from supportdesk.test import BaseTestCase
from supportdesk.tickets import services_checklist
from supportdesk.tickets.models import Message


class SignatureTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.product = self.products["forward-ts"]
        self.brand = Brand.objects.get(pk=self.product.brand_id)

    def _reply(self, ticket, text="Проверьте кабель."):
        ticket_reply(ticket=ticket, author=self.alice, text=text)
        mail = parsed(bytes(OutgoingMail.objects.filter(kind="reply").latest("id").raw))
        return text_part(mail).replace("\r\n", "\n"), html_part(mail)

    def test_without_signatures_the_agents_name_and_the_team_sign(self):
        text, html = self._reply(self.make_ticket())
        assert "Проверьте кабель.\n\n--\nАлиса\nТехническая поддержка" in text or "\n--\nАлиса\n" in text
        assert "Алиса<br>" in html

    def test_agent_and_brand_signatures_with_placeholders_in_both_parts(self):
        signature_save(by=self.alice, signature=signature_for(user=self.alice), text="{agent_name}\nинженер <L2>",
                       text_en="{agent_name}\nengineer", in_automatic=True)
        signature_save(by=self.sam, signature=signature_for(brand=self.brand),
                       text="Поддержка {product}\nhttps://softlab.tv/support\nверсия: {version}", text_en="",
                       in_automatic=False)
        ticket = self.make_ticket()
        services_checklist.ticket_set_product(ticket=ticket, product=self.product, version="", by_user=self.alice)
        text, html = self._reply(ticket)
        # {version} has no value: its line is dropped, never sent raw
        assert (f"Проверьте кабель.\n\n--\nАлиса\nинженер <L2>\nПоддержка {self.product.name}\n"
                "https://softlab.tv/support\nОбращение") in text
        assert "{" not in text.split("--", 1)[1].split("пишет", 1)[0]
        assert "Алиса<br>инженер &lt;L2&gt;<br>" in html
        assert '<a href="https://softlab.tv/support"' in html
        assert not Signature.objects.get(user=self.alice).in_automatic  # meaningless for an agent's
        ticket.language = "en"
        ticket.save()
        text, _ = self._reply(ticket, "Check the cable.")
        assert "Check the cable.\n\n--\nАлиса\nengineer\nПоддержка" in text  # no English brand text: Russian

    def test_a_ticket_without_a_brand_gets_the_default_signature(self):
        signature_save(by=self.sam, signature=signature_for(), text="Служба поддержки СофтЛаб", text_en="",
                       in_automatic=False)
        text, _ = self._reply(self.make_ticket())
        assert "\nАлиса\nСлужба поддержки СофтЛаб\nОбращение" in text

    def test_automatic_mail_gets_only_a_brand_signature_meant_for_it(self):
        signature_save(by=self.alice, signature=signature_for(user=self.alice), text="Алиса, L2", text_en="",
                       in_automatic=False)
        default = signature_save(by=self.sam, signature=signature_for(), text="Подпись для всех\nдля {customer_name}",
                                 text_en="", in_automatic=False)
        ticket = self.make_ticket()
        receive(ticket, ticket.messages.get(kind=Message.Kind.INCOMING), new=True)
        ack = parsed(bytes(OutgoingMail.objects.get(kind="ack").raw))
        assert "Подпись для всех" not in text_part(ack) and "Алиса, L2" not in text_part(ack)
        signature_save(by=self.sam, signature=default, text=default.text, text_en="", in_automatic=True)
        second = self.make_ticket(subject="Второй вопрос")
        receive(second, second.messages.get(kind=Message.Kind.INCOMING), new=True)
        ack = parsed(bytes(OutgoingMail.objects.filter(kind="ack").latest("id").raw))
        text = text_part(ack).replace("\r\n", "\n")
        # the customer's name is never repeated by automatic mail's signature (the sender may be forged)
        assert text.rstrip().endswith("--\nПодпись для всех")
        assert "Подпись для всех" in html_part(ack) and "Алиса, L2" not in text

    def test_who_edits_which_and_unknown_placeholders(self):
        with pytest.raises(PermissionDenied):
            signature_save(by=self.alice, signature=signature_for(brand=self.brand), text="x", text_en="",
                           in_automatic=False)
        with pytest.raises(PermissionDenied):
            signature_save(by=self.sam, signature=signature_for(user=self.alice), text="x", text_en="",
                           in_automatic=False)
        with pytest.raises(PermissionDenied):
            signature_save(by=self.bob, signature=signature_for(user=self.bob), text="x", text_en="",
                           in_automatic=False)
        with pytest.raises(ValidationError) as caught:
            signature_save(by=self.alice, signature=signature_for(user=self.alice), text="{agent_nmae}",
                           text_en="", in_automatic=False)
        assert "{agent_nmae}" in str(caught.value)
        assert not Signature.objects.exists()
