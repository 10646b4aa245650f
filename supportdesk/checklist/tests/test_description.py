from __future__ import annotations

import pytest

from supportdesk.checklist.check import check_request
from supportdesk.checklist.model import ProductSpec


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("", "При воспроизведении на выходе SDI пропадает картинка на 2-3 секунды."),
        ("", "Плеер завис во время эфира."),
        ("", "Форвард ТТ вылетает при открытии проекта."),
        ("", 'При запуске FDOnAir выдаёт ошибку "Не удалось инициализировать устройство вывода".'),
        ("", "ошибка 0x80070005 при запуске FDConfig2"),
        ("", "GPI не работает"),  # a generic verb, but a specific component
        ("", "ЭФИР ЧЕРНЫЙ!!! Forward TS выдает черное поле на всех выходах!!!"),  # angry but specific
        ("Пропал звук в эфире на FDOnAir", "Сегодня в 14:30, через минуту вернулся."),  # subject carries it
        ("", "The SDI output goes black for about one second every hour."),
        # Symptoms beyond "пропадает/зависает": emptiness, drift, skipped items, a flash, squares.
        ("", "On air the web page layer stays empty, nothing at all is visible."),
        ("", "Тайм-код расходится с внешним LTC, за сутки уходит на 2 секунды."),
        ("", "Журнал показывает время выхода на 3 секунды раньше, чем ролик вышел."),
        ("", "При смене клипов на выходе проскакивает один белый кадр."),
        ("", "Accented letters are shown as squares in the crawl."),
        ("", "After midnight the playlist skips the first two items."),
    ],
)
def test_description_present(products: list[ProductSpec], subject: str, text: str) -> None:
    result = check_request(text=text, subject=subject, products=products)
    assert result.description is True
    assert result.evidence["description"]


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("помогите", "Не работает ничего!!! Срочно перезвоните!"),
        ("", "Программа не работает. Что делать?"),
        ("URGENT - Forward not working", "Our system is not working since yesterday. Call me back!"),
        ("", "не работает форвард, эфир стоит!!! когда вы ответите???"),
        ("Срочно!!!", "СРОЧНО!!! Помогите!!!"),
        ("", "Здравствуйте. См. вложение."),
        ("", "Добрый день,\nпрошу помочь с настройкой.\n--\nС уважением,\nНаталья\nтел. +7 (3852) 22-33-44"),
        ("", "Выскакивает ошибка, скрин в приложении, что делать?"),
        ("", "Where can I download the latest Forward TS release? We are on 6.1.3."),
        ("", "1) запускаю FDConfig2\n2) выбираю плату\n3) нажимаю Применить"),  # steps only
        ("Re: [#1042] Пропадает звук", "Версия 6.2.1.1840, настройки во вложении."),  # a reply's subject
    ],
)
def test_description_absent(products: list[ProductSpec], subject: str, text: str) -> None:
    result = check_request(text=text, subject=subject, products=products)
    assert result.description is False
    assert "description" in result.missing
