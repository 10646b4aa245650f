"""The free-text organisation becomes companies: one per distinct name (case and spaces
ignored), its customers its contacts, the text kept on the customer as written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("customers", "0002_verbose_names")]
AFTER = [("customers", "0003_companies")]


@pytest.mark.django_db(transaction=True)
def test_organizations_become_companies():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Customer = old.get_model("customers", "Customer")
    ivanov = Customer.objects.create(name="Иван", organization="ТК  Сибирь ")
    petrov = Customer.objects.create(name="Пётр", organization="тк сибирь")
    dealer = Customer.objects.create(name="Олег", organization="Дилер Плюс")
    nobody = Customer.objects.create(name="Анна", organization="")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Customer, Company = new.get_model("customers", "Customer"), new.get_model("customers", "Company")
    try:
        assert sorted(Company.objects.values_list("name", flat=True)) == ["Дилер Плюс", "ТК Сибирь"]
        by_pk = dict(Customer.objects.values_list("pk", "company__name"))
        assert by_pk[ivanov.pk] == by_pk[petrov.pk] == "ТК Сибирь"
        assert by_pk[dealer.pk] == "Дилер Плюс"
        assert by_pk[nobody.pk] is None
        assert Customer.objects.get(pk=petrov.pk).organization == "тк сибирь"  # kept as written
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
