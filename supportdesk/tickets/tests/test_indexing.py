"""search.index.batched() with the ticket source: a ticket written several times in one block is indexed once, at the end."""

from datetime import timedelta
from unittest import mock

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supportdesk.lib.optimistic import savepoints_off
from supportdesk.search import index
from supportdesk.search.models import SearchDocument
from supportdesk.search.query import search
from supportdesk.test import BaseTestCase
from supportdesk.tickets import indexing, services
from supportdesk.tickets.models import Message, Ticket


class BatchedIndexTests(BaseTestCase):
    def ids(self, query: str) -> list[int]:
        return [h.object_id for h in search(query, kind="ticket").hits]

    def test_one_rebuild_per_ticket_and_the_same_document(self) -> None:
        with mock.patch.object(index, "index_objects", wraps=index.index_objects) as spy, index.batched():
            ticket = self.make_ticket(subject="Пропал логотип", body="Логотип пропал после обновления.")
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Проверьте слой.")
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Слой включён.",
                                        author_customer=self.customer)
            assert spy.call_count == 0
            assert not SearchDocument.objects.filter(kind="ticket", object_id=ticket.pk).exists()
        assert spy.call_count == 1
        batched_doc = SearchDocument.objects.get(kind="ticket", object_id=ticket.pk)
        index.index_objects("ticket", [ticket.pk])  # what the unbatched path builds from the same rows
        fresh = SearchDocument.objects.get(kind="ticket", object_id=ticket.pk)
        for field in ("title", "text", "title_terms", "body_terms", "language", "product_id", "is_public"):
            assert getattr(batched_doc, field) == getattr(fresh, field), field
        assert "Слой включён." in fresh.text
        assert self.ids("логотипа") == [ticket.pk]

    def test_nested_blocks_leave_the_work_to_the_outermost(self) -> None:
        with mock.patch.object(index, "index_objects", wraps=index.index_objects) as spy, index.batched():
            with index.batched():
                ticket = self.make_ticket(subject="Нет звука", body="Звук пропал.")
            assert spy.call_count == 0
        assert spy.call_count == 1
        assert self.ids("звука") == [ticket.pk]

    def test_an_error_skips_the_rebuild_and_leaves_no_batch_behind(self) -> None:
        ticket = self.make_ticket(subject="Лицензия", body="Ключ не найден.")
        try:
            with transaction.atomic(), index.batched():
                services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Модуль сгорел.",
                                            author_customer=self.customer)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert self.ids("модуль") == []
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Модуль заменили.",
                                    author_customer=self.customer)
        assert self.ids("модуль") == [ticket.pk]  # indexed at once again: no batch is open

    def test_a_deleted_ticket_loses_its_document(self) -> None:
        ticket = self.make_ticket(subject="Удалить", body="Тестовая заявка.")
        with index.batched():
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="ещё",
                                        author_customer=self.customer)
            pk = ticket.pk
            ticket.delete()
        assert not SearchDocument.objects.filter(kind="ticket", object_id=pk).exists()


class OneQueryReadTests(BaseTestCase):
    def test_documents_hold_the_text_messages_in_order(self) -> None:
        # ticket_documents reads tickets and texts in one joined query; compared here with what
        # a plain read of each ticket's messages gives.
        talk = self.make_ticket(subject="Нет звука", body="Звук пропал на втором канале.")
        services.ticket_add_message(ticket=talk, kind=Message.Kind.OUTGOING, body_text="Пришлите журнал.")
        services.ticket_add_event(ticket=talk, event="assigned", text="событие не индексируется")
        services.ticket_add_message(ticket=talk, kind=Message.Kind.NOTE, body_text="Заметка агента.")
        silent = self.make_ticket(subject="Пустая заявка", body="")
        Message.objects.filter(ticket=silent).delete()
        for rebuild in (lambda: index.index_objects("ticket", [talk.pk, silent.pk]), lambda: index.reindex(kinds=["ticket"])):
            rebuild()
            docs = {d.object_id: d for d in SearchDocument.objects.filter(kind="ticket")}
            assert set(docs) == {talk.pk, silent.pk}
            for ticket in (talk, silent):
                ticket.refresh_from_db()
                texts = (Message.objects.filter(ticket=ticket, kind__in=indexing.TEXT_KINDS, is_automatic=False)
                         .order_by("created_at", "id").values_list("body_text", "quoted_start"))
                expected = indexing.ticket_document(ticket, list(texts))
                for field in ("title", "text", "title_terms", "body_terms", "language", "product_id"):
                    assert getattr(docs[ticket.pk], field) == getattr(expected, field), (ticket.pk, field)
            assert docs[silent.pk].text == "" and "событие" not in docs[talk.pk].text
            assert docs[talk.pk].text.endswith("Заметка агента.")


class AutomaticMessagesTests(BaseTestCase):
    """Acknowledgments, reminders and notices are our templates' text, the same in every ticket:
    indexed, a search for a word of theirs ("версия", "срочный") would find every acknowledged ticket."""

    def ids(self, query: str) -> list[int]:
        return sorted(h.object_id for h in search(query, kind="ticket").hits)

    def test_an_automatic_message_is_not_indexed_an_agents_reply_is(self) -> None:
        asked = self.make_ticket(subject="Нет звука", body="Звук пропал на втором канале.")
        other = self.make_ticket(subject="Лицензия", body="Ключ не найден.")
        for ticket in (asked, other):
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, is_automatic=True,
                                        body_text="Ваше обращение зарегистрировано. Укажите версию программы.")
        services.ticket_add_message(ticket=asked, kind=Message.Kind.OUTGOING,
                                    body_text="Пришлите журнал регистрации ошибок.")
        assert self.ids("зарегистрировано") == []
        assert self.ids("журнал") == [asked.pk]
        assert self.ids("звука") == [asked.pk]
        index.reindex(kinds=["ticket"])  # a full rebuild reads the same messages
        assert self.ids("зарегистрировано") == [] and self.ids("журнал") == [asked.pk]
        assert "зарегистрировано" not in SearchDocument.objects.get(kind="ticket", object_id=other.pk).text

    def test_saving_an_automatic_message_rebuilds_nothing(self) -> None:
        ticket = self.make_ticket(subject="Нет звука", body="Звук пропал.")
        with mock.patch.object(index, "index_objects", wraps=index.index_objects) as spy:
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, is_automatic=True,
                                        body_text="Напоминание: мы ждём ответа.")
            assert spy.call_count == 0
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.NOTE, body_text="Заметка агента.")
            assert spy.call_count == 1


class OpenedInThisTransactionTests(BaseTestCase):
    """A ticket opened in an optimistic transaction (the intake's) is indexed from what that
    transaction saved, with no read-back, and the document is the one the query would build."""

    def read_backs(self, queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in queries.captured_queries if "LEFT JOIN" in q["sql"] and "body_text" in q["sql"]]

    def assert_same_as_rebuilt(self, ticket_pk: int) -> SearchDocument:
        kept = SearchDocument.objects.get(kind="ticket", object_id=ticket_pk)
        index.index_objects("ticket", [ticket_pk])  # from the rows, outside any transaction of ours
        fresh = SearchDocument.objects.get(kind="ticket", object_id=ticket_pk)
        for field in ("title", "text", "title_terms", "body_terms", "language", "product_id", "team_id"):
            assert getattr(kept, field) == getattr(fresh, field), field
        return fresh

    def test_the_opened_ticket_is_indexed_from_memory(self) -> None:
        earlier = timezone.now() - timedelta(minutes=5)
        with CaptureQueriesContext(connection) as queries, transaction.atomic(), savepoints_off(), index.batched():
            with services.ticket_open(customer=self.customer, subject="Пропал логотип", channel="email") as ticket:
                services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, author_customer=self.customer,
                                            body_text="Логотип пропал.\n> цитата", quoted_start=16)
                services.ticket_add_message(ticket=ticket, kind=Message.Kind.NOTE, body_text="Заметка агента.",
                                            created_at=earlier)  # written second, dated first
                services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Шаблон.",
                                            is_automatic=True)
                ticket.subject = "Пропал логотип в эфире"
                services.save_ticket(ticket, ["subject"])
        assert self.read_backs(queries) == []
        fresh = self.assert_same_as_rebuilt(ticket.pk)
        assert fresh.title == "Пропал логотип в эфире"
        assert fresh.text == "Заметка агента.\n\nЛоготип пропал."

    def test_another_instance_saved_sends_it_back_to_the_query(self) -> None:
        with CaptureQueriesContext(connection) as queries, transaction.atomic(), savepoints_off(), index.batched():
            with services.ticket_open(customer=self.customer, subject="Нет звука", channel="email") as ticket:
                services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, author_customer=self.customer,
                                            body_text="Звук пропал.")
            other = Ticket.objects.get(pk=ticket.pk)
            other.subject = "Нет звука на SDI"
            other.save()
        assert len(self.read_backs(queries)) == 1
        assert self.assert_same_as_rebuilt(ticket.pk).title == "Нет звука на SDI"

    def test_a_deleted_message_sends_it_back_to_the_query(self) -> None:
        with CaptureQueriesContext(connection) as queries, transaction.atomic(), savepoints_off(), index.batched():
            with services.ticket_open(customer=self.customer, subject="Лицензия", channel="email") as ticket:
                first = services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING,
                                                    author_customer=self.customer, body_text="Ключ не найден.")
                services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, author_customer=self.customer,
                                            body_text="Ключ нашёлся.")
                first.delete()
        assert len(self.read_backs(queries)) == 1
        assert self.assert_same_as_rebuilt(ticket.pk).text == "Ключ нашёлся."

    def test_with_savepoints_the_document_is_read_back(self) -> None:
        with CaptureQueriesContext(connection) as queries, transaction.atomic(), index.batched():
            with services.ticket_open(customer=self.customer, subject="Титры", channel="email") as ticket:
                services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, author_customer=self.customer,
                                            body_text="Титры не выводятся.")
        assert len(self.read_backs(queries)) == 1
        self.assert_same_as_rebuilt(ticket.pk)

    def test_what_one_attempt_saw_is_not_taken_for_known_by_the_next(self) -> None:
        with transaction.atomic():
            with savepoints_off(), index.batched():
                with services.ticket_open(customer=self.customer, subject="Титры", channel="email") as ticket:
                    services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING,
                                                author_customer=self.customer, body_text="Титры не выводятся.")
            other = self.make_ticket(subject="Другая", body="Титры мигают.")
            Message.objects.filter(ticket=other).update(ticket=ticket)  # unseen by any receiver
            with CaptureQueriesContext(connection) as queries, savepoints_off(), index.batched():
                index.changed("ticket", ticket.pk)
        assert len(self.read_backs(queries)) == 1
        assert "Титры мигают." in self.assert_same_as_rebuilt(ticket.pk).text
