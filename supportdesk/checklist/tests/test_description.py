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
        # "Not the right one", lateness, slowness, a state no step of the customer's sets.
        ("", "В эфир выходит не тот клип, который стоит в расписании."),
        ("", "Титры выезжают с опозданием на полсекунды."),
        ("", "Программа стала очень медленно открывать расписание."),
        ("", "NDI-источник виден в списке, но при выборе на выходе чёрное поле."),
        ("", "Нажимаю Take — слой пустой."),
        ("", "The playlist does not advance to the next item."),
        ("", "Ролик в эфире вышел без логотипа."),
        ("", "Сервер с плеером перезагружается сам по себе."),
        ("", "The picture on SDI 2 is upside down."),
        ("", "The commercial breaks start about 2 seconds early."),
        ("", "Subtitles are displayed with a 1 second offset."),
        ("", "The station logo blinks on the SDI output."),
        ("", "Our operators cannot log in after the update."),
        ("", "Stereo audio comes out only on the left channel of SDI 1."),
        ("", "Звук идёт только на левый канал."),
        ("", "Плеер останавливает плейлист без причины."),
        ("", "Логотип выходит на полсекунды позже клипа."),
        ("", "Цвета на выходе отличаются от превью."),
        ("", "Звук некорректно выводится на SDI 2."),
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
        # A state that the customer's own step sets is an attribute, not a symptom.
        ("Плейлист", "Делаем так: создаём пустой плейлист, добавляем клипы, нажимаем Старт."),
        ("Титры", "1. Выбираем белый фон в шаблоне\n2. Ставим титр в эфир"),
        ("Плейлист", "Делаем так: останавливаем плейлист в 01:00, заменяем файл, запускаем снова."),
        ("Re: [#7] Звук", "Вместо старого файла положили новый, настройки во вложении."),
        ("", "We did not change anything in the playlist, the log is attached."),
        # A how-to question that names a delay it wants.
        ("Вопрос", "Можно ли вывести логотип с задержкой 5 секунд после начала клипа?"),
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
