from __future__ import annotations

from supportdesk.checklist.check import check_request
from supportdesk.checklist.forwarded import forwarded_text
from supportdesk.checklist.model import ProductSpec

COLLEAGUE_FORWARD = """-------- Пересылаемое сообщение --------
От: Инженер смены <shift@tv-example.ru>
Дата: 01.02.26 03:10
Тема: ночью

Сначала остановил плейлист, потом заменил клип в папке, запустил плейлист снова.
"""

OUR_REPLY_QUOTED = """-------- Исходное сообщение --------
От: Техподдержка <forward@softlab.tv>
Дата: 01.02.26 10:00
Тема: Re: звук

Пришлите, пожалуйста: 1) откройте FDConfig2; 2) нажмите Экспорт; 3) приложите файл.
Версия Forward TS 6.2.1 вышла вчера.
"""


def test_a_colleague_s_forwarded_message_is_the_customer_s_text(products: list[ProductSpec]) -> None:
    result = check_request(text="Посмотрите, пожалуйста, пересылаю.", subject="Fwd: ночью",
                           quoted=COLLEAGUE_FORWARD, own_domains=["softlab.tv"], products=products)
    assert result.steps is True
    assert result.description is False


def test_our_own_reply_quoted_back_is_not(products: list[ProductSpec]) -> None:
    result = check_request(text="Сделали, спасибо.", subject="Re: звук", quoted=OUR_REPLY_QUOTED,
                           own_domains=["softlab.tv"], products=products)
    assert (result.steps, result.version) == (False, None)


def test_our_subdomain_is_ours_and_an_unknown_sender_is_not_counted() -> None:
    assert forwarded_text(OUR_REPLY_QUOTED.replace("@softlab.tv", "@help.softlab.tv"),
                          own_domains=["softlab.tv"]) == ""
    assert forwarded_text(COLLEAGUE_FORWARD.replace("<shift@tv-example.ru>", ""), own_domains=[]) == ""


def test_the_forwarded_body_ends_at_the_next_quote() -> None:
    attribution = "В пн, 1 фев. в 02:00 Support <forward@softlab.tv> написал:"
    text = COLLEAGUE_FORWARD + "\n" + attribution + "\n> Версия 6.2.1\n"
    assert forwarded_text(text, own_domains=["softlab.tv"]).endswith("запустил плейлист снова.")


def test_outlook_and_yandex_separators() -> None:
    outlook = ("_" * 32 + "\nОт: Инженер <eng@tv-example.ru>\nОтправлено: 1 февраля 2026 г. 3:10\n"
               "Кому: Мария\nТема: ночь\n\nОстановил плейлист, заменил клип, запустил снова.\n")
    yandex = outlook.replace("_" * 32, "-------- Начало переадресованного сообщения --------")
    body = "Остановил плейлист, заменил клип, запустил снова."
    for quoted in (outlook, yandex):
        assert forwarded_text(quoted, own_domains=["softlab.tv"]) == body
