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
        # One action stated as the trigger of the problem.
        "Нажимаю «Стоп» в плейлисте — программа зависает намертво.",
        "Загружаем шаблон выборов, и титры на выходе пропадают.",
        "When I press Take the layer stays empty.",
        "We stopped the playlist and the output froze.",
        "1. Версия: 6.1.3\n2. Шаги: запускаю эфир, логотип мерцает\n3. Настройки прикладываю",
        # The trigger as a verbal noun, a second person, an operator's action, an infinitive.
        "При нажатии на «Стоп» программа зависает.",
        "После загрузки шаблона титры пропадают с выхода.",
        "Когда нажимаешь Take, слой остаётся пустым.",
        "Оператор нажимает «Пауза», и картинка замирает.",
        "Если открыть окно выходов, плеер вылетает.",
        "Переключаемся на резервный сервер, и звук отстаёт.",
        "After loading the template the crawl disappears.",
        "When the operator presses Take, the output goes black.",
        "Pressing Stop freezes the player.",
        "Forward TS не запускается, ярлык нажимаю — ничего не происходит.",
        "Когда удаляю элемент из очереди, он всё равно выходит в эфир.",
        "Открываю окно «Табло», нажимаю «Подключить» — и ничего.",
        # English forms: "we import … and play", an imperative opening a stretch, "try to save".
        "We import the SRT file and play the clip.",
        "We have a playlist of 20 clips, press Play and after the first clip it stops.",
        'When I try to save a template, the program shows "Access denied".',
        'They enter the password and get "Invalid user".',
        # The trigger told after its symptom, or as an attempt.
        "Программа зависает, когда нажимаю «Стоп».",
        "The output goes black when I press Take.",
        "Логотип пропадает каждый раз, как только переключаю выход.",
        "Пытаюсь открыть окно выходов — программа падает.",
        "Стоит только нажать «Пауза», картинка замирает.",
        "Последовательность действий: открыть плейлист, выбрать клип, нажать «Удалить».",
        # The result shown in a video rather than told.
        "Нажимаю «Удалить» на ожидающем элементе — что происходит, см. видео.",
        "Делаю: открываю плейлист и нажимаю «Старт».",
        # An HTML table of numbered steps as the parser renders it.
        "Шаги:\n\n1 Открываем плейлист\n2 Нажимаем Старт",
        # One action per sentence, in order.
        "Открываем выпуск. Потом выделяем сюжеты. Жмём «Отправить».",
        "Заходим в меню Файл. Выбираем Экспорт. Указываем папку.",
        "Go to Settings, then double-click the output and tick Genlock.",
        # Items written inline, after a heading.
        "Шаги: 1) открываю плейлист; 2) выделяю клип; 3) нажимаю Удалить.",
        "Шаги такие: 1. Запускаю плеер. 2. Открываю окно выходов. 3. Выбираю NDI.",
        "Делаем так: открываем выпуск; выделяем сюжеты; отправляем в суфлёр.",
    ],
)
def test_steps_present(text: str) -> None:
    assert steps_evidence(normalise(text)) is not None


@pytest.mark.parametrize(
    "text",
    [
        # A list of symptoms is not steps.
        "У нас проблемы:\n- пропадает звук на втором канале\n- картинка дёргается\n- логотип исчезает",
        # One action only, and nothing going wrong after it.
        "Шаги: запускаю эфир и жду.",
        # Numbered answers to our questions.
        "1. Версия: 6.1.3\n2. Шаги: не знаю, бывает само\n3. Настройки прикладываю",
        # Actions without anything going wrong after them.
        "Открываю расписание — там всё на месте.",
        # The trigger is someone else's, later ("пока дежурный не перезапустит").
        "Программа закрывается ночью, эфир чёрный, пока дежурный не перезапустит.",
        # A symptom, not an action of the customer's.
        "After updating from 5.9 to 6.2.1 the trigger stopped working: the break does not start.",
        "Пытались перезапустить сервис, не помогло — звук пропадает.",
        "Программа зависает, когда дежурный уходит на обед.",
        "Плеер доходит до пятого клипа и останавливается.",
        "2 секунды пропадает звук\n3 раза в день",
        # What was done to fix it, one sentence each.
        "Перезагрузили сервер. Переустановили драйвер. Не помогло.",
        "Переход между клипами с чёрной вспышкой.",
        # The program starting is when it happens, not what the customer does.
        "После запуска совпадает, за сутки уходит на 2 секунды вперёд.",
        "The playout crashes every night at 3 am.",
        # An upgrade told as background.
        "Установили 6.2.1, и превью в плейлисте стали чёрными.",
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
