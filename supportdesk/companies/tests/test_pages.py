"""The company pages through the test client: agents only, search, one page with contacts and
open and past tickets, form errors naming the field, merge behind its confirmation step."""

from __future__ import annotations

from supportdesk.customers.companies import CompanyData, company_save
from supportdesk.customers.models import Company
from supportdesk.customers.services import customer_for_email
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import services
from supportdesk.tickets.models import Status


class CompanyPagesTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.company = company_save(company=None, data=CompanyData(name="ТК Сибирь", domains=("tv-sibir.ru",)),
                                    by_user=self.sam)
        self.customer.refresh_from_db()

    def login(self, user: str = "alice") -> None:
        assert self.client.login(username=user, password=PASSWORD)

    def test_only_agents(self):
        assert self.client.get("/agent/companies/").status_code == 302  # to the login page
        self.login("bob")
        assert self.client.get("/agent/companies/").status_code == 403
        assert self.client.get(f"/agent/companies/{self.company.pk}/").status_code == 403
        assert self.client.post(f"/agent/companies/{self.company.pk}/contacts/", {"contact": "x@y.ru"}).status_code == 403

    def test_search_by_name_in_any_case_domain_or_contact(self):
        company_save(company=None, data=CompanyData(name="Дилер Плюс"), by_user=self.alice)
        self.login()
        for q in ("сибирь", "СИБ", "tv-sibir.ru", "ivanov@tv-sibir.ru"):
            html = self.client.get("/agent/companies/", {"q": q}).content.decode()
            assert "ТК Сибирь" in html and "Дилер Плюс" not in html, q
        html = self.client.get("/agent/companies/").content.decode()
        assert "ТК Сибирь" in html and "Дилер Плюс" in html

    def test_company_page_lists_contacts_open_and_past_tickets(self):
        colleague = customer_for_email(address="petrov@tv-sibir.ru", name="Пётр Петров")
        open_ticket = self.make_ticket(subject="Звук отстаёт")
        past = self.make_ticket(subject="Старый вопрос про лицензию", customer=colleague)
        services.ticket_set_status(ticket=past, status=Status.CLOSED, by_user=self.alice, reason="дубль",
                                   confirmed=True)
        outsider = customer_for_email(address="someone@gmail.com")
        self.make_ticket(subject="Чужое обращение", customer=outsider)
        self.login()
        html = self.client.get(f"/agent/companies/{self.company.pk}/").content.decode()
        open_part, past_part = html.split('id="past-tickets"')[0], html.split('id="past-tickets"')[1]
        assert f"#{open_ticket.pk}" in open_part.split('id="open-tickets"')[1] and "Звук отстаёт" in open_part
        assert f"#{past.pk}" in past_part.split('id="contacts"')[0]
        assert "Пётр Петров" in html and "ivanov@tv-sibir.ru" in html and "tv-sibir.ru" in html
        assert "Чужое обращение" not in html

    def test_ticket_page_shows_the_company(self):
        ticket = self.make_ticket()
        self.login()
        html = self.client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
        side = html.split('id="ticket-company"')[1]
        assert "ТК Сибирь" in side.split("</dd>")[0] and f"/agent/companies/{self.company.pk}/" in side

    def test_form_errors_say_which_field_and_why(self):
        self.login()
        response = self.client.post("/agent/companies/new/", {"name": "Дилер", "domains": "gmail.com"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Домены: gmail.com — общедоступная почтовая служба" in html
        response = self.client.post("/agent/companies/new/", {"name": "", "domains": ""})
        assert "Название компании: Обязательное поле." in response.content.decode()
        assert Company.objects.count() == 1
        response = self.client.post("/agent/companies/new/", {"name": "Дилер", "domains": "dealer.ru\nDealer.ru"})
        dealer = Company.objects.get(name="Дилер")
        assert response.status_code == 302 and response["Location"] == f"/agent/companies/{dealer.pk}/"
        assert list(dealer.domains.values_list("domain", flat=True)) == ["dealer.ru"]

    def test_an_agent_cannot_set_the_tier_nor_merge(self):
        self.login()
        response = self.client.post(f"/agent/companies/{self.company.pk}/edit/",
                                    {"name": "ТК Сибирь", "domains": "tv-sibir.ru", "contract_tier": "premium"})
        assert "только руководитель" in response.content.decode()
        other = company_save(company=None, data=CompanyData(name="Дубль"), by_user=self.alice)
        assert self.client.post(f"/agent/companies/{other.pk}/merge/",
                                {"target": "ТК Сибирь", "confirm": "1"}).status_code == 403
        assert Company.objects.filter(pk=other.pk).exists()

    def test_merge_asks_then_merges(self):
        other = company_save(company=None, data=CompanyData(name="ТК Сибирь (дубль)", domains=("sibir.tv",)),
                             by_user=self.sam)
        self.login("sam")
        response = self.client.post(f"/agent/companies/{other.pk}/merge/", {"target": "тк сибирь"})
        assert response.status_code == 200 and "отменить это нельзя" in response.content.decode()
        assert Company.objects.filter(pk=other.pk).exists()
        response = self.client.post(f"/agent/companies/{other.pk}/merge/", {"target": "тк сибирь", "confirm": "1"})
        assert response.status_code == 302 and response["Location"] == f"/agent/companies/{self.company.pk}/"
        assert not Company.objects.filter(pk=other.pk).exists()
        assert sorted(self.company.domains.values_list("domain", flat=True)) == ["sibir.tv", "tv-sibir.ru"]
        response = self.client.post(f"/agent/companies/{self.company.pk}/merge/", {"target": "нет такой"},
                                    follow=True)
        assert "компании с названием «нет такой» нет" in response.content.decode()

    def test_set_a_customers_company_from_the_ticket(self):
        stranger = customer_for_email(address="chief@gmail.com", name="Главный инженер")
        ticket = self.make_ticket(customer=stranger)
        self.login()
        response = self.client.post(f"/agent/companies/customers/{stranger.pk}/company/",
                                    {"company": "тк сибирь", "ticket": ticket.pk})
        assert response["Location"] == f"/agent/tickets/{ticket.pk}/#customer-card"
        stranger.refresh_from_db()
        assert stranger.company == self.company
