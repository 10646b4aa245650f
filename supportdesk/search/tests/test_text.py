"""The normaliser and ranker: pure, no database."""

from supportdesk.search.text import (
    DocStats,
    bm25_scores,
    index_text,
    matched_terms,
    normalise_word,
    query_terms,
    snippet_html,
)


def test_word_forms_meet() -> None:
    assert query_terms("принтера") == query_terms("принтер")
    assert query_terms("не выводятся титры") == query_terms("вывод титров") == ["вывод", "титр"]
    assert query_terms("рассинхронизацией") == query_terms("Рассинхронизация")


def test_verb_forms_meet_nouns() -> None:
    assert normalise_word("работает") == normalise_word("работы")
    assert normalise_word("запускается") == normalise_word("запуск")


def test_stop_words_and_yo() -> None:
    assert query_terms("и не на") == []
    assert normalise_word("ещё") == ""
    assert normalise_word("ёлка") == normalise_word("елка")


def test_english_and_numbers() -> None:
    assert normalise_word("Printers") == "printer"
    assert index_text("SDI 2, версия 6.2") == "sdi 2 верс 6 2"


def test_bm25_prefers_title_and_density() -> None:
    docs = {1: DocStats("вывод титр", "plat"), 2: DocStats("звук", "вывод титр звук звук звук звук"),
            3: DocStats("звук", "звук")}
    scores = bm25_scores(docs, ["вывод", "титр"], total_docs=3)
    assert scores[1] > scores[2] > scores[3] == 0.0


def test_snippet_marks_forms_and_escapes() -> None:
    html = snippet_html("У нас <b>не</b> выводятся титры на SDI.", ["вывод", "титр"])
    assert "<mark>выводятся</mark> <mark>титры</mark>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_snippet_window_around_match() -> None:
    text = "вступление " * 100 + "ошибка принтера здесь" + " хвост" * 100
    html = snippet_html(text, query_terms("принтер"), width=80)
    assert "<mark>принтера</mark>" in html and html.startswith("…") and html.endswith("…")
    assert len(html) < 200


def test_term_frequency_counts_every_occurrence() -> None:
    # Adjacent repeats are separate occurrences (a text scan for " t " would find one of "t t").
    docs = {1: DocStats("", "звук звук"), 2: DocStats("", "звук плат звук"), 3: DocStats("", "плат")}
    scores = bm25_scores(docs, ["звук"], total_docs=3)
    assert scores[1] > scores[2] > scores[3] == 0.0
    assert matched_terms(DocStats("вывод", "титр титр"), ["титр", "вывод", "звук", "титр"]) == 2
    assert matched_terms(DocStats("", ""), ["титр"]) == 0
