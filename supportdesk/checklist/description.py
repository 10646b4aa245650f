"""Does a request say what is wrong with what?

A description needs a symptom (``symptoms``) and the thing it happens to, in the same clause
("на выходе SDI пропадает картинка"), or an error message quoted from the screen. A bare "не
работает", "ошибка", "помогите" is not one, nor is "не работает" with only the program as
its object, nor a state the customer's own step sets ("создаём пустой плейлист").
"""

from __future__ import annotations

import re

from supportdesk.checklist.actions import customer_action
from supportdesk.checklist.question import HOW_TO
from supportdesk.checklist.symptoms import (
    ERROR_SHOWN,
    NEGATED,
    STATE_PREFIXES,
    SYMPTOM_EN,
    SYMPTOM_PREFIXES,
    has_prefix,
)
from supportdesk.checklist.text import clauses, words

_OBJECT_PREFIXES = (
    "звук", "видео", "картин", "изображ", "выход", "вход", "sdi", "ndi", "сигнал", "логотип", "лого",
    "титр", "строк", "расписан", "плейлист", "клип", "запис", "захват", "эфир", "кадр", "таймкод",
    "реклам", "блок", "превью", "окн", "кнопк", "лиценз", "ключ", "плат", "gpi", "субтитр", "фон",
    "шрифт", "текст", "переход", "синхрон", "genlock", "генлок", "фаз", "канал", "файл", "папк",
    "диск", "программ", "плеер", "fdconfig", "монитор", "график", "альф", "прозрачн", "громкост",
    "букв", "длительн", "поток", "резерв", "шаблон", "проект", "поле", "экран", "заставк", "ярлык",
    "подложк", "настройк", "воспроизвед", "эфир", "передач", "ролик", "слой", "слоя", "тайм",
    "время", "времен", "справк", "символ", "анонс", "сюжет", "новост", "табло", "счет", "суфлер",
    "элемент", "событи", "плашк", "бегущ", "микшир", "цвет", "яркост", "пиксел", "памят", "процессор",
    "audio", "video", "picture", "output", "input", "signal", "logo", "title", "playlist", "clip",
    "record", "capture", "timecode", "break", "preview", "window", "button", "licen", "card", "board",
    "subtitle", "file", "letter", "duration", "transition", "channel", "program", "player", "screen",
    "overlay", "trigger", "sound", "frame", "startup", "playout", "fdonair", "forward", "layer",
    "item", "time", "clock", "crawl", "ticker", "template", "font", "text", "character", "log",
    "schedule", "event", "scoreboard", "prompter", "colou", "color", "memory", "cpu", "page",
    "server", "device", "fps", "resolution", "track", "preset", "report", "menu", "list", "tab",
    "interface", "сервер", "устройств", "частот", "разрешени", "аудио", "дорожк", "пресет", "отчет",
    "журнал", "меню", "список", "вкладк", "интерфейс", "клавиш",
)
_GENERIC_OBJECTS = ("программ", "форвард", "forward", "ничего", "все", "всё", "nothing", "everything", "it")
_NOT_WORKING = re.compile(
    r"(?:не\s+работа\w*|перестал\w*\s+работать|doesn't work|does not work|not working|stopped working)"
)


def _specific_objects(tokens: list[str], product_words: set[str]) -> list[str]:
    return [
        token
        for token in tokens
        if token.startswith(_OBJECT_PREFIXES) and not token.startswith(_GENERIC_OBJECTS)
        and token not in product_words
    ]


def _broken_component(clause: str, product_words: set[str]) -> bool:
    """"не работает GPI" names the broken part; "не работает форвард, эфир стоит" does not."""
    for segment in re.split(r"[,;:—()]", clause):
        if _NOT_WORKING.search(segment) and _specific_objects(words(segment), product_words):
            return True
    return False


def _event(clause: str, tokens: list[str]) -> bool:
    """Something going wrong, but not the customer's own action ("останавливаем плейлист")."""
    return bool(
        any(token.startswith(SYMPTOM_PREFIXES) and not customer_action(tokens, i) for i, token in enumerate(tokens))
        or SYMPTOM_EN.search(clause) or NEGATED.search(clause)
    )


def _verb_action(tokens: list[str], index: int) -> bool:
    """An action verb of the customer's ("создаём"), not a noun of one ("при выборе")."""
    return customer_action(tokens, index) and not (index and tokens[index - 1] in ("при", "после"))


def _state_symptom(clause: str) -> bool:
    """A state word ("пустой", "чёрный", "вместо") that no action verb of the customer's in the
    same stretch of the clause explains ("создаём пустой плейлист", "вместо старого файла
    положили новый"), outside a how-to question."""
    if HOW_TO.search(clause):
        return False
    for segment in re.split(r"[,;:—()]", clause):
        tokens = words(segment)
        states = [i for i, token in enumerate(tokens) if token.startswith(STATE_PREFIXES)]
        if states and not any(_verb_action(tokens, j) for j in range(len(tokens))):
            return True
    return False


def describe_evidence(text: str, product_words: set[str]) -> str | None:
    """The clause that describes the problem, or None. ``text`` is normalised."""
    for clause in clauses(text):
        tokens = words(clause)
        if ERROR_SHOWN.search(clause):
            return clause
        has_object = bool(has_prefix(tokens, _OBJECT_PREFIXES)) or bool(product_words & set(tokens))
        symptom = _event(clause, tokens) or _state_symptom(clause)
        if symptom and has_object:
            return clause
        if _broken_component(clause, product_words):
            return clause
    return None
