from __future__ import annotations

import pytest

from supportdesk.checklist.check import check_request, checklist_json
from supportdesk.checklist.model import AttachmentInfo, ProductSpec

FULL_REQUEST = """Добрый день!

Forward TS версия 6.2.1, плата FD422.
Раз в час на выходе SDI на 2-3 секунды пропадает картинка.
1. Запускаю Forward TS Player
2. Загружаю суточное расписание
3. Нажимаю "Старт"
Файл настроек во вложении.
"""


def test_a_complete_request_misses_nothing(products: list[ProductSpec]) -> None:
    result = check_request(
        text=FULL_REQUEST,
        subject="Пропадает видео",
        attachments=[AttachmentInfo("settings_export.xml", "application/xml", 18432)],
        products=products,
    )
    assert checklist_json(result) == {
        "description": True,
        "steps": True,
        "version": "6.2.1",
        "product": "Forward TS",
        "settings": True,
        "missing": [],
        "question": False,
    }
    assert result.product_key == "forward-ts"
    assert set(result.evidence) == {"description", "steps", "version", "settings"}


def test_missing_items_are_in_rule_order(products: list[ProductSpec]) -> None:
    result = check_request(text="Не работает!!!", products=products)
    assert result.missing == ("description", "steps", "version", "settings")
    assert checklist_json(result)["version"] is None
    assert result.evidence == {}


def test_version_from_the_slboardinfo_report_takes_its_board(products: list[ProductSpec]) -> None:
    report = AttachmentInfo(
        "SLBoardInfo_report.txt", "text/plain", 800, "SLBoardInfo\nBoard: FD422\nPackage version: 5.1.0.12\n"
    )
    result = check_request(text="Высылаю отчёт.", attachments=[report], products=products)
    assert (result.version, result.product, result.settings) == ("5.1.0.12", "SL Video Board", True)


def test_windows_and_driver_versions_leave_version_missing(products: list[ProductSpec]) -> None:
    text = (
        "Windows 10 Pro 22H2 (сборка 10.0.19045.4291), драйвер NVIDIA 551.86.\n"
        'При запуске FDOnAir выдаёт ошибку "Не удалось инициализировать устройство вывода".'
    )
    result = check_request(text=text, products=products)
    assert result.version is None
    assert result.product == "FDOnAir"
    assert result.missing == ("steps", "version", "settings")


def test_product_without_version_is_the_first_named(products: list[ProductSpec]) -> None:
    result = check_request(text="Титры пропали в Forward TT, а в FDOnAir всё в порядке.", products=products)
    assert (result.product, result.product_key, result.version) == ("Forward TT", "forward-tt", None)


def test_version_only_in_an_attachment_name(products: list[ProductSpec]) -> None:
    log = AttachmentInfo("ForwardTS_6.2.1_log.txt", "text/plain", 300, "12:00:01 start\n12:00:02 stop\n")
    result = check_request(text="См. вложение.", subject="Ошибка", attachments=[log], products=products)
    assert (result.version, result.product) == ("6.2.1", "Forward TS")


def test_product_named_only_inside_an_attached_log(products: list[ProductSpec]) -> None:
    log = AttachmentInfo("log.txt", "text/plain", 300, "03:00:12 ForwardTS.exe: stopped\n")
    result = check_request(text="Во вложении лог.", attachments=[log], products=products)
    assert (result.product, result.version) == ("Forward TS", None)


def test_a_dated_screenshot_name_is_no_version(products: list[ProductSpec]) -> None:
    shot = AttachmentInfo("photo_2026-03-18_14-02-11.png", "image/png", 300)
    result = check_request(text="Фото экрана во вложении.", attachments=[shot], products=products)
    assert result.version is None


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Лицензия на второй канал", "Добрый день! Сколько стоит лицензия Forward TS на второй канал?"),
        ("Счёт", "Пришлите, пожалуйста, счёт на оплату продления техподдержки."),
        ("Вопрос", "Подскажите, как добавить в FDOnAir второй логотип?"),
        ("Question", "How do I import a playlist from Excel into Forward TS?"),
        ("Download", "Where can I download the latest Forward TS release? We are on 6.1.3."),
    ],
)
def test_a_question_is_not_asked_for_steps_or_settings(
    products: list[ProductSpec], subject: str, text: str
) -> None:
    result = check_request(text=text, subject=subject, products=products)
    assert result.question is True
    assert "steps" not in result.missing and "settings" not in result.missing
    assert (result.steps, result.settings) == (False, False)  # not given, only not needed
    assert result.evidence["question"]


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        # A symptom makes it a problem report, however it is phrased.
        ("Вопрос по лицензии", "После замены платы лицензия пропала, эфир на резерве. Как быть?"),
        # Steps without a symptom are a problem report too.
        ("Экспорт", "Делаем так: открываем выпуск, выделяем сюжеты, жмём Отправить. В чём дело?"),
        # A vague problem is not a question.
        ("Ошибка?", "См. вложение."),
    ],
)
def test_a_problem_report_is_not_a_question(products: list[ProductSpec], subject: str, text: str) -> None:
    result = check_request(text=text, subject=subject, products=products)
    assert result.question is False
    assert "settings" in result.missing
