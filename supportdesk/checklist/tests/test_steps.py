from __future__ import annotations

import pytest

from supportdesk.checklist.steps import steps_evidence
from supportdesk.checklist.text import normalise


@pytest.mark.parametrize(
    "text",
    [
        "1. Запускаю Forward TS Player\n2. Загружаю суточное расписание\n3. Нажимаю Старт",
        "1) запускаю FDConfig2 2) выбираю плату",
        "Сначала открываю расписание, потом нажимаю кнопку Старт, затем программа пишет ошибку.",
        "Запускаю плеер, открываю окно Выходы, выбираю NDI, нажимаю ОК — плеер зависает.",
        "Шаги воспроизведения:\n• открыть расписание;\n• запустить эфир;\n• дождаться перехода.",
        "Порядок:\n- запускаю оба канала\n- отключаю основной сервер\n- резерв подхватывает эфир",
        "остановили эфир, запустили установщик, установили поверх, перезагрузили сервер",
        "Steps to reproduce:\n1. Start Forward TS Player\n2. Load the daily playlist\n3. Press Start",
        "First I open the schedule editor, then I click Import, then I pick the XML file.",
    ],
)
def test_steps_present(text: str) -> None:
    assert steps_evidence(normalise(text)) is not None


@pytest.mark.parametrize(
    "text",
    [
        # A list of symptoms is not steps.
        "У нас проблемы:\n- пропадает звук на втором канале\n- картинка дёргается\n- логотип исчезает",
        # One action only.
        "Forward TS не запускается, ярлык нажимаю — ничего не происходит.",
        "Шаги: запускаю эфир и жду.",
        # Numbered answers to our questions.
        "1. Версия: 6.1.3\n2. Шаги: запускаю эфир, логотип мерцает\n3. Настройки прикладываю",
        # A heading without actions.
        "Шаги воспроизведения: не знаю, происходит случайно.",
        # What was tried to fix it.
        "Пробовали перезагрузить сервер, переустановить программу — не помогло.",
        # Reflexive verbs are symptoms.
        "Программа закрывается, окно открывается и сразу закрывается.",
    ],
)
def test_steps_absent(text: str) -> None:
    assert steps_evidence(normalise(text)) is None
