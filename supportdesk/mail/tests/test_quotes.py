"""Unit tests of the quote matcher that tells same-subject tickets apart (mail.quotes)."""

from __future__ import annotations

from supportdesk.mail.quotes import pick_by_quote, quote_score, quoted_lines, searchable, strong_score

ORIGINAL = ("Добрый день.\n\nForward TS падает с ошибкой \"Access violation at address 729F0472\" при открытии "
            "плейлиста. Ранее на версии 3.0.4 всё работало.\nНа резервном сервере то же самое.\n\nВиктор")


def test_quoted_lines_drop_marks_short_lines_and_repeats() -> None:
    quoted = ("08.01.2026 10:52, Виктор Киселёв пишет:\n> Добрый день.\n>\n"
              ">> На резервном   сервере то же самое.\n> На резервном сервере то же самое.\n> Виктор\n")
    assert quoted_lines(quoted) == ("на резервном сервере то же самое.",)


def test_quoted_lines_skip_what_describes_the_quote() -> None:
    # 012365 on the 20k corpus: the Outlook block of an earlier reply in another thread of
    # the same sender matched more lines than the quoted request itself.
    quoted = ("-----Исходное сообщение-----\nОт: Юлия Соколова <yuliya.sokolova@mediagroup-rostov.ru>\n"
              "Отправлено: 10.08.2026 20:55\nКому: support@forwardtv.example\nТема: Не вставляются метки SCTE-35\n\n"
              "Пишу из эфирной аппаратной. Вставка меток SCTE-35 не срабатывает.\n"
              "On Mon, 10 Aug 2026 at 20:55, Yuliya Sokolova wrote:\n")
    assert quoted_lines(quoted) == ("пишу из эфирной аппаратной. вставка меток scte-35 не срабатывает.",)


def test_quoted_lines_keep_at_most_twelve() -> None:
    quoted = "\n".join(f"> строка номер {n} достаточно длинная" for n in range(30))
    lines = quoted_lines(quoted)
    assert len(lines) == 12
    assert lines[0] == "строка номер 0 достаточно длинная"


def test_a_rewrapped_quote_is_found_in_the_original() -> None:
    # The client broke the long line elsewhere than the sender did.
    quoted = ("> Forward TS падает с ошибкой \"Access violation at address\n> 729F0472\" при открытии плейлиста. "
              "Ранее на версии\n> 3.0.4 всё работало.")
    lines = quoted_lines(quoted)
    assert quote_score(lines, searchable(ORIGINAL)) == len(lines) == 2  # "3.0.4 всё работало." is short


def test_quote_marks_inside_a_stored_text_do_not_hide_it() -> None:
    stored = "Ответ выше.\n> На резервном сервере то же самое.\n"
    assert quote_score(quoted_lines("> На резервном сервере то же самое."), searchable(stored)) == 1


def test_pick_prefers_the_most_quoted_then_the_earlier() -> None:
    lines = ("первая строка цитаты тут", "вторая строка цитаты тут", "подпись инженера эфира")
    texts = {1: "подпись инженера эфира", 2: "первая строка цитаты тут вторая строка цитаты тут", 3: ""}
    assert pick_by_quote([1, 2, 3], lines, texts) == 2
    assert pick_by_quote([1, 3], lines, texts) == 1
    assert pick_by_quote([1, 3], lines, texts, min_score=2) is None
    assert pick_by_quote([3], lines, texts) is None
    assert pick_by_quote([], lines, texts) is None


def test_strong_score_needs_two_lines_and_half() -> None:
    assert [strong_score(("x",) * n) for n in (1, 2, 3, 4, 5, 12)] == [2, 2, 2, 2, 3, 6]
