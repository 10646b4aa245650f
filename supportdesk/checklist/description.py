"""Does a request say what is wrong with what?

A description needs a symptom and the thing it happens to, in the same clause ("на выходе
SDI пропадает картинка"), or an error message quoted from the screen. A bare "не
работает", "ошибка", "помогите" is not one, nor is "не работает" with only the program as
its object. Word stems, not whole words, because Russian inflects ("пропадает", "пропал",
"пропадание").
"""

from __future__ import annotations

import re

from supportdesk.checklist.text import clauses, words

# Symptoms as word prefixes (normalised: lower case, ё→е).
_SYMPTOM_PREFIXES = (
    "завис", "подвис", "висит", "пропад", "пропал", "пропуск", "исчез", "дерга", "дерг", "мерца",
    "мерцан", "тормоз", "вылет", "пада", "упал", "рассинхрон", "отста", "сдвиг", "сдвину", "съезжа",
    "округля", "обрыва", "обрыв", "останавлива", "прекраща", "теря", "кракозябр", "артефакт",
    "черн", "зелен", "полос", "плыв", "неактивн", "аварийн", "искаж", "перестал", "перестает",
    "громче", "тише", "растет", "задержк", "стоп-кадр", "замира", "замер", "застыв", "фриз", "рывк",
    "обреза", "обрезан", "тишин", "шипит", "щелч", "треск", "рябь", "ряб", "муар",
)
_SYMPTOM_EN = re.compile(
    r"(?<![\w])(?:crash\w*|freez\w*|hangs?|hung|drops?|dropped|black|flicker\w*|disappear\w*|missing|"
    r"drifts?|drifting|late|stops|stopped|garbage|rounded|glitch\w*|stutter\w*|frozen|lost|cut)(?![\w])"
    r"|(?:выше|ниже|громче|тише),?\s+чем|(?:higher|lower|louder|quieter)\s+than"
)
# Negated verbs that are symptoms in themselves ("не запускается", "не видит плату").
_NEGATED = re.compile(
    r"(?<![\w])(?:не|нет|без)\s+(?:\w+\s+)?(?:запуска|старт|вид|отображ|вывод|сохраня|открыва|загружа|"
    r"захватыва|обновля|выш|выход|подхватыва|слыш|воспроизвод|проигрыва|играет|реагир|отвеча|срабатыва|"
    r"записыва|"
    r"звук|сигнал|видео|изображ|картин|лиценз|доступ|синхрон)"
    r"|(?:not|no|doesn't|does not|won't|cannot|can't)\s+(?:\w+\s+)?(?:detect|start|audio|signal|video|"
    r"picture|open|load|show|play|save|record|see)"
)
# Something shown on screen: a quoted message, an error code, an access violation.
_ERROR_SHOWN = re.compile(
    r"(?:ошибк\w*|error|пишет|выда[её]т|показывает|shows|says|reports|сообщени\w*)[^\"\n]{0,40}?"
    r"(?:\"[^\"]{3,}\"|\d\d:\d\d)"
    r"|access violation|0x[0-9a-f]{4,}"
)
_OBJECT_PREFIXES = (
    "звук", "видео", "картин", "изображ", "выход", "вход", "sdi", "ndi", "сигнал", "логотип", "лого",
    "титр", "строк", "расписан", "плейлист", "клип", "запис", "захват", "эфир", "кадр", "таймкод",
    "реклам", "блок", "превью", "окн", "кнопк", "лиценз", "ключ", "плат", "gpi", "субтитр", "фон",
    "шрифт", "текст", "переход", "синхрон", "genlock", "генлок", "фаз", "канал", "файл", "папк",
    "диск", "программ", "плеер", "fdconfig", "монитор", "график", "альф", "прозрачн", "громкост",
    "букв", "длительн", "поток", "резерв", "шаблон", "проект", "поле", "экран", "заставк", "ярлык",
    "подложк", "настройк", "воспроизвед", "эфир", "передач", "ролик",
    "audio", "video", "picture", "output", "input", "signal", "logo", "title", "playlist", "clip",
    "record", "capture", "timecode", "break", "preview", "window", "button", "licen", "card", "board",
    "subtitle", "file", "letter", "duration", "transition", "channel", "program", "player", "screen",
    "overlay", "trigger", "sound", "frame", "startup", "playout", "fdonair", "forward",
)
_GENERIC_OBJECTS = ("программ", "форвард", "forward", "ничего", "все", "всё", "nothing", "everything", "it")
_NOT_WORKING = re.compile(
    r"(?:не\s+работа\w*|перестал\w*\s+работать|doesn't work|does not work|not working|stopped working)"
)


def _has_prefix(tokens: list[str], prefixes: tuple[str, ...]) -> str | None:
    for token in tokens:
        if token.startswith(prefixes):
            return token
    return None


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


def describe_evidence(text: str, product_words: set[str]) -> str | None:
    """The clause that describes the problem, or None. ``text`` is normalised."""
    for clause in clauses(text):
        tokens = words(clause)
        if _ERROR_SHOWN.search(clause):
            return clause
        has_object = bool(_has_prefix(tokens, _OBJECT_PREFIXES)) or bool(product_words & set(tokens))
        symptom = _has_prefix(tokens, _SYMPTOM_PREFIXES) or _SYMPTOM_EN.search(clause) or _NEGATED.search(clause)
        if symptom and has_object:
            return clause
        if _broken_component(clause, product_words):
            return clause
    return None
