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

# Symptoms as word prefixes (normalised: lower case, ё→е). What goes wrong with a picture,
# a sound, a clock or a program, in the words operators use.
_SYMPTOM_PREFIXES = (
    # stops, hangs, crashes
    "завис", "подвис", "висит", "висн", "вылет", "пада", "упал", "крэш", "краш", "глюч", "глюк",
    "тормоз", "подтормаж", "лагает", "подлаг", "тупит", "сбой", "сбои", "сбива", "сбилс", "слета",
    "обрыва", "обрыв", "останавлива", "прекраща", "перестал", "перестает", "зацикл", "обнуля",
    # goes missing or appears wrongly
    "пропад", "пропал", "пропуск", "пропуска", "проскак", "исчез", "теря", "потеря", "пусто",
    "пуста", "пусты", "пустую", "прозрачн", "кракозябр", "квадрат", "мусор", "артефакт",
    "дублирует", "дублируют", "задваива", "двоит", "накладываетс", "накладываютс", "наезжа",
    "повторяет", "повторяют",
    # the picture
    "дерга", "дерг", "мерца", "мерцан", "мига", "морга", "черн", "зелен", "белы", "бела", "белое",
    "белого", "белом", "белой", "белую", "пересвеч", "вспыш", "полос", "плыв", "ряб", "муар",
    "искаж", "рассыпа", "пикселиз", "пиксели", "пикселит", "размыт", "мутн", "темн", "светлее",
    "ярче", "бледн", "стоп-кадр", "замира", "замер", "застыв", "фриз", "рывк", "обреза", "обрезан",
    "растянут", "сплюсн", "сжато", "сжата", "сжаты", "перевернут", "смещает", "смещен", "сместил",
    "сдвиг", "сдвину", "съезжа", "съехал", "криво", "неправильн", "неверн", "ошибочн", "неактивн",
    "аварийн",
    # the sound
    "громче", "тише", "тишин", "шипит", "шипени", "щелч", "треск", "хрип", "эхо", "заика",
    # the clock
    "рассинхрон", "отста", "опережа", "расход", "убега", "запаздыва", "задержк", "округля", "растет",
)
_SYMPTOM_EN = re.compile(
    r"(?<![\w])(?:crash\w*|freez\w*|froze|hangs?|hung|stuck|drops?|dropped|black|blank|empty|transparent|"
    r"flicker\w*|flash\w*|disappear\w*|vanish\w*|missing|drifts?|drifting|late|"
    r"ahead|behind|stops|stopped|garbage|garbled|corrupt\w*|distort\w*|squares?|rounded|glitch\w*|"
    r"stutter\w*|jerk\w*|jump\w*|jitter\w*|skips?|skipped|frozen|lost|cut|wrong|incorrect\w*|"
    r"broken|fails?|failed|failure|delay\w*|lags?|lagging|shifted|duplicat\w*|twice|"
    r"repeats|repeated|repeating|artifacts?|artefacts?|pixel\w*|noise|hiss\w*|crackl\w*|echo|silen\w*|"
    r"muted|louder|quieter|darker|brighter|cropped|stretched|squeezed|overlap\w*|mismatch\w*|"
    r"timeouts?|leak\w*|unreadable|invisible)(?![\w])"
    r"|(?:выше|ниже|громче|тише|раньше|позже),?\s+чем|(?:higher|lower|louder|quieter|earlier|later)\s+than"
    r"|(?:out\s+of\s+sync|instead\s+of|вместо\s+\w)"
    r"|на\s+\d+(?:[,.-]\d+)?\s+(?:секунд|сек|кадр|минут|мс|час)\w*\s+(?:раньше|позже|вперед|назад)"
)
# Negated verbs that are symptoms in themselves ("не запускается", "не видит плату").
_NEGATED = re.compile(
    r"(?<![\w])(?:не|нет|без)\s+(?:\w+\s+)?(?:запуска|старт|вид|отображ|вывод|сохраня|открыва|загружа|"
    r"захватыва|обновля|выш|выход|подхватыва|слыш|воспроизвод|проигрыва|играет|реагир|отвеча|срабатыва|"
    r"записыва|совпада|показыва|появля|меня|переключа|приход|принима|подключа|распозна|определя|"
    r"выполня|применя|доход|читает|импортир|экспортир|печата|отправля|"
    r"звук|сигнал|видео|изображ|картин|лиценз|доступ|синхрон)"
    r"|(?:not|no|doesn't|does not|don't|do not|won't|isn't|aren't|cannot|can't|never)\s+(?:\w+\s+)?"
    r"(?:detect|start|audio|signal|video|picture|open|load|show|shown|play|played|save|record|see|seen|"
    r"visible|displayed|appear|match|switch|update|respond|connect|recogni[sz]e|text|sound|output)"
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
    "подложк", "настройк", "воспроизвед", "эфир", "передач", "ролик", "слой", "слоя", "тайм",
    "время", "времен", "справк", "символ", "анонс", "сюжет", "новост", "табло", "счет", "суфлер",
    "элемент", "событи", "плашк", "бегущ", "микшир", "цвет", "яркост", "пиксел", "памят", "процессор",
    "audio", "video", "picture", "output", "input", "signal", "logo", "title", "playlist", "clip",
    "record", "capture", "timecode", "break", "preview", "window", "button", "licen", "card", "board",
    "subtitle", "file", "letter", "duration", "transition", "channel", "program", "player", "screen",
    "overlay", "trigger", "sound", "frame", "startup", "playout", "fdonair", "forward", "layer",
    "item", "time", "clock", "crawl", "ticker", "template", "font", "text", "character", "log",
    "schedule", "event", "scoreboard", "prompter", "colou", "color", "memory", "cpu", "page",
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


def has_symptom(text: str) -> bool:
    """Does this piece of normalised text name something going wrong (with or without its object)?"""
    return bool(
        _has_prefix(words(text), _SYMPTOM_PREFIXES) or _SYMPTOM_EN.search(text) or _NEGATED.search(text)
        or _ERROR_SHOWN.search(text)
    )


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
