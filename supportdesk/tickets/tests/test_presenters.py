from __future__ import annotations

from django.utils import translation

from supportdesk.tickets.presenters import event_text, format_business_seconds, message_title, split_quoted


def test_split_quoted_uses_the_marked_start():
    assert split_quoted("new\n> old", 4) == ("new", "> old")


def test_split_quoted_finds_an_attribution_line_when_unmarked():
    text = ("Спасибо!\n\n--\nАлиса\n\nпятница, 27 ноября 2026, 19:06 по времени Новосибирска (UTC+7), "
            "Иван Иванов пишет:\n> Добрый день!\n> Титры не выводятся")
    main, quoted = split_quoted(text, None)
    assert main.endswith("Алиса")
    assert quoted.startswith("пятница") and "> Добрый день!" in quoted


def test_split_quoted_leaves_plain_text_alone():
    assert split_quoted("ничего не цитирую\nвторая строка", None) == ("ничего не цитирую\nвторая строка", "")


def test_event_lines_are_translated_and_never_raw_codes():
    with translation.override("ru"):
        assert event_text("status", {"to": "waiting_customer"}) == "статус изменён на «ждёт клиента»"
        assert "позвонить" in event_text("bounced", {"reason": "550"})
        assert event_text("merged_into", {"ticket": 7}) == "объединено с обращением №7"
        assert message_title("outgoing", "Ответ", True, {"kind": "acknowledgment"}) == \
            "Отправлено подтверждение получения"
    with translation.override("en"):
        assert event_text("status", {"to": "solved"}) == "status changed to “solved”"
        assert format_business_seconds(3 * 3600 + 5 * 60) == "3 h 05 min"
