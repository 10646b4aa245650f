"""Configuration the intake reads on every mail (team routing rules, products, signatures,
webhook subscriptions) is kept per process (``lib.configcache``): a mail reads none of those
tables once the first mail has, and an edit committed anywhere is seen by the next mail.

Committing tests (TransactionTestCase): the shared token is written after the commit. "Another
process" is this one with the values it kept before the edit put back (what a process that did
not make the edit still holds): only the shared token can tell it that they are stale."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from django.core.cache import cache
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from supportdesk.accounts import services as team_services
from supportdesk.lib import configcache
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.tests.factory import make_mail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.replies.signatures import signature_for, signature_save
from supportdesk.test import Personas
from supportdesk.tickets.models import Ticket

CONFIG_TABLES = ("accounts_teamrule", "catalog_product", "replies_signature", "webhooks_webhooksubscription")
BODY = "После обновления FDOnAir 5.2 зависает при смене плейлиста. Шаги: открыть плейлист, нажать Play."


class IntakeConfigurationCacheTests(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.make_personas()
        self.team = team_services.team_save(by_user=self.sam, name="Вещание")
        self.n = 0

    def ingest(self, sender: str = "ivanov@tv-sibir.ru") -> Ticket:
        self.n += 1
        result = ingest_raw(make_mail(sender=sender, message_id=f"cfg{self.n}@x", subject=f"FDOnAir 5.2 зависает {self.n}",
                                      body=BODY), source="lmtp", source_uid=f"cfg{self.n}")
        return Ticket.objects.get(pk=result.ticket_id)

    def as_another_process(self, kept: dict[str, tuple[str, float, object]]) -> None:
        configcache._values.clear()
        configcache._values.update(kept)

    def test_a_mail_reads_no_configuration_table_once_kept(self) -> None:
        self.ingest()
        with CaptureQueriesContext(connection) as queries:
            ticket = self.ingest(sender="petrov@tv-sibir.ru")
        self.assertTrue(ticket.pk)
        read = [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in CONFIG_TABLES)]
        self.assertEqual(read, [])

    def test_a_team_rule_added_elsewhere_routes_the_next_mail(self) -> None:
        self.assertIsNone(self.ingest().team_id)  # no rule yet: kept as "no rules"
        kept = dict(configcache._values)
        self.assertIn("accounts.team_rules", kept)
        token = cache.get(configcache.GENERATION_KEY)
        team_services.team_rule_add(by_user=self.sam, team=self.team, kind="product", value="fdonair")
        self.assertNotEqual(cache.get(configcache.GENERATION_KEY), token)
        self.as_another_process(kept)
        self.assertEqual(self.ingest(sender="petrov@tv-sibir.ru").team_id, self.team.pk)

    def test_a_team_rule_deleted_elsewhere_no_longer_routes(self) -> None:
        rule = team_services.team_rule_add(by_user=self.sam, team=self.team, kind="product", value="fdonair")
        self.assertEqual(self.ingest().team_id, self.team.pk)
        kept = dict(configcache._values)
        team_services.team_rule_delete(by_user=self.sam, rule=rule)
        self.as_another_process(kept)
        self.assertIsNone(self.ingest(sender="petrov@tv-sibir.ru").team_id)

    def test_a_signature_edited_elsewhere_is_in_the_next_acknowledgment(self) -> None:
        self.ingest()
        kept = dict(configcache._values)
        self.assertIn("replies.signatures", kept)
        signature_save(by=self.sam, signature=signature_for(), text="Служба поддержки СофтЛаб\n+7 383 000-00-00",
                       text_en="", in_automatic=True)
        self.as_another_process(kept)
        self.ingest(sender="petrov@tv-sibir.ru")
        ack = OutgoingMail.objects.filter(to_addrs__contains="petrov@tv-sibir.ru").get()
        text = message_from_bytes(bytes(ack.raw), policy=default).get_body(("plain",)).get_content()
        self.assertIn("+7 383 000-00-00", text)

    def test_values_older_than_max_age_are_read_again_without_a_token_change(self) -> None:
        self.ingest()
        kept = {name: (token, at - configcache.MAX_AGE - 1, value)
                for name, (token, at, value) in configcache._values.items()}
        team_services.team_rule_add(by_user=self.sam, team=self.team, kind="product", value="fdonair")
        token = cache.get(configcache.GENERATION_KEY)
        self.as_another_process({name: (token, at, value) for name, (_t, at, value) in kept.items()})
        self.assertEqual(self.ingest(sender="petrov@tv-sibir.ru").team_id, self.team.pk)
