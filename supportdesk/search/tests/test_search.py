"""Search on the database in use. CI runs this module on SQLite and on PostgreSQL, and
the expected hits below are literal: the same data gives the same ranked hits on both."""

from io import StringIO

from django.core.management import call_command

from supportdesk.kb.models import Article
from supportdesk.search.models import SearchDocument
from supportdesk.search.query import search
from supportdesk.test import BaseTestCase
from supportdesk.tickets import services
from supportdesk.tickets.models import Message

TICKETS = [
    ("Не печатает принтер", "После обновления принтер перестал печатать отчёты."),
    ("Вывод титров на SDI", "Вывод титров не работает на втором канале."),
    ("Рассинхронизация звука", "Наблюдается рассинхронизация звука и видео на канале 3."),
    ("Вопрос по лицензии", "Как перенести лицензию на другой компьютер?"),
    ("Титры", "Титры мигают при выводе на монитор; вывод через HDMI."),
]


class SearchTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tickets = [self.make_ticket(subject=s, body=b) for s, b in TICKETS]

    def ids(self, query: str, **kwargs: object) -> list[int]:
        return [h.object_id for h in search(query, kind="ticket", **kwargs).hits]  # type: ignore[arg-type]

    def test_other_word_forms_find_tickets(self) -> None:
        t = self.tickets
        assert self.ids("принтера") == [t[0].pk]
        assert self.ids("рассинхронизацию") == [t[2].pk]
        assert self.ids("лицензией") == [t[3].pk]

    def test_ranked_title_first_same_on_every_database(self) -> None:
        t = self.tickets
        # Both mention output and titles; the title match ranks first, then the newer one.
        assert self.ids("не выводятся титры") == [t[1].pk, t[4].pk]

    def test_all_words_must_match(self) -> None:
        assert self.ids("титры принтер") == []
        assert search("титры принтер", kind="ticket").total == 0

    def test_snippet_highlights_the_form_in_the_text(self) -> None:
        hit = search("рассинхронизацию звука", kind="ticket").hits[0]
        assert "<mark>рассинхронизация</mark> <mark>звука</mark>" in str(hit.snippet)

    def test_index_follows_new_messages_and_subject(self) -> None:
        ticket = self.tickets[3]
        assert self.ids("ключ") == []
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Аппаратный ключ не найден",
                                    author_customer=self.customer)
        assert self.ids("ключа") == [ticket.pk]
        events_before = SearchDocument.objects.get(kind="ticket", object_id=ticket.pk).updated_at
        services.ticket_add_event(ticket=ticket, event="assigned")
        assert SearchDocument.objects.get(kind="ticket", object_id=ticket.pk).updated_at == events_before

    def test_quoted_history_is_not_indexed(self) -> None:
        ticket = self.tickets[3]
        body = "Спасибо, помогло.\n\n> Рассинхронизация звука"
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text=body,
                                    quoted_start=body.index(">"), author_customer=self.customer)
        assert self.ids("рассинхронизация") == [self.tickets[2].pk]

    def test_articles_drafts_are_not_public(self) -> None:
        Article.objects.create(slug="a", title="Вывод титров", body="Как настроить вывод.", state="published")
        Article.objects.create(slug="b", title="Титры черновик", body="вывод титров", state="draft")
        public = search("выводятся титры", kind="article", public_only=True).hits
        every = search("выводятся титры", kind="article").hits
        assert [h.title for h in public] == ["Вывод титров"]
        assert len(every) == 2

    def test_article_state_change_updates_index(self) -> None:
        article = Article.objects.create(slug="c", title="Печать", body="принтер", state="draft")
        assert search("принтеры", kind="article", public_only=True).hits == []
        article.state = Article.State.PUBLISHED
        article.save()
        assert [h.object_id for h in search("принтеры", kind="article", public_only=True).hits] == [article.pk]
        article.delete()
        assert not SearchDocument.objects.filter(kind="article", object_id=article.pk).exists()

    def test_reindex_command_rebuilds(self) -> None:
        SearchDocument.objects.all().delete()
        assert self.ids("принтера") == []
        out = StringIO()
        call_command("search", "reindex", stdout=out)
        assert "5 tickets" in out.getvalue()
        assert self.ids("принтера") == [self.tickets[0].pk]
