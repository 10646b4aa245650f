"""The words of something going wrong, shared by the description and steps detectors.

Events ("зависает", "пропал звук", "не запускается", "drifts") are symptoms wherever they
stand; states ("пустой", "чёрный", "с задержкой") only where nothing the customer does puts
them there (see ``description``). Word stems, not whole words, because Russian inflects
("пропадает", "пропал", "пропадание"); matched against normalised text (lower case, ё→е).
"""

from __future__ import annotations

import re

from supportdesk.checklist.text import words

# Symptoms as word prefixes (normalised: lower case, ё→е). What goes wrong with a picture,
# a sound, a clock or a program, in the words operators use.
SYMPTOM_PREFIXES = (
    # stops, hangs, crashes
    "завис", "подвис", "висит", "висн", "вылет", "пада", "упал", "крэш", "краш", "глюч", "глюк",
    "тормоз", "подтормаж", "лагает", "подлаг", "тупит", "сбой", "сбои", "сбива", "сбилс", "слета",
    "обрыва", "обрыв", "останавлива", "прекраща", "перестал", "перестает", "зацикл", "обнуля",
    "перезагружаетс", "перезапускаетс", "закрываетс", "закрылас", "закрылос", "выключаетс",
    "отключаетс", "отвалива", "прерыва", "заеда", "просед", "сбрасываетс", "сбросилис",
    "самопроизвольн", "поврежд", "испорч", "битый", "битые", "битая", "отсутству",
    # goes missing or appears wrongly
    "пропад", "пропал", "пропуск", "пропуска", "проскак", "исчез", "теря", "потеря", "кракозябр",
    "квадрат", "мусор", "артефакт", "опоздан", "медлен", "съеда", "утечк",
    "дублирует", "дублируют", "задваива", "двоит", "накладываетс", "накладываютс", "наезжа",
    "повторяет", "повторяют", "перепута", "путает", "путают",
    # the picture
    "дерга", "дерг", "мерца", "мерцан", "мига", "морга", "пересвеч", "вспыш", "полос", "плыв", "ряб",
    "муар", "искаж", "рассыпа", "пикселиз", "пиксели", "пикселит", "размыт", "мутн", "светлее",
    "ярче", "бледн", "стоп-кадр", "замира", "замер", "застыв", "фриз", "рывк", "обреза", "обрезан",
    "растянут", "сплюсн", "сжато", "сжата", "сжаты", "перевернут", "смещает", "смещен", "сместил",
    "сдвиг", "сдвину", "съезжа", "съехал", "уплыв", "сполза", "рвет", "рвут", "режет", "режут",
    "криво", "неправильн", "неверн", "ошибочн", "некорректн", "странн", "плох", "неактивн",
    "аварийн",
    # the sound
    "громче", "тише", "тишин", "шипит", "шипени", "щелч", "треск", "хрип", "эхо", "заика",
    # the clock
    "рассинхрон", "отста", "опережа", "расход", "убега", "запаздыва", "опаздыва", "спешит", "спешат",
    "ускоряетс", "замедляетс", "округля", "растет",
)
# States that are symptoms as a predicate ("слой остаётся пустым", "на выходе чёрное поле") but
# only attributes after an action ("создаём пустой плейлист", "выбираем белый фон") or in a
# how-to question ("можно ли … с задержкой 5 секунд?").
STATE_PREFIXES = (
    "пусто", "пуста", "пусты", "пустую", "прозрачн", "черн", "зелен", "белы", "бела", "белое",
    "белого", "белом", "белой", "белую", "темн", "задержк", "вместо",
)
SYMPTOM_EN = re.compile(
    r"(?<![\w])(?:crash\w*|freez\w*|froze|hangs?|hung|stuck|drops?|dropped|black|blank|empty|transparent|"
    r"flicker\w*|flash\w*|disappear\w*|vanish\w*|missing|drifts?|drifting|late|"
    r"ahead|behind|stops|stopped|garbage|garbled|corrupt\w*|distort\w*|squares?|rounded|glitch\w*|"
    r"stutter\w*|jerk\w*|jump\w*|jitter\w*|skips?|skipped|frozen|lost|cut|wrong|incorrect\w*|"
    r"broken|fails?|failed|failure|delay\w*|lags?|lagging|shifted|duplicat\w*|twice|"
    r"repeats|repeated|repeating|artifacts?|artefacts?|pixel\w*|noise|hiss\w*|crackl\w*|echo|silen\w*|"
    r"muted|louder|quieter|darker|brighter|cropped|stretched|squeezed|overlap\w*|mismatch\w*|"
    r"timeouts?|leak\w*|unreadable|invisible|slow\w*|choppy|blurr\w*|misaligned|mirrored|doubled|"
    r"upside\s+down|washed\s+out|tint\w*|green|reboots|restarts|resets|unexpectedly|by\s+itself|"
    r"on\s+its\s+own|not\s+found|blink\w*|too\s+(?:early|late|loud|quiet|dark|bright|fast|slow|long|short))(?![\w])"
    r"|\d+(?:[.,]\d+)?\s*(?:seconds?|sec|frames?|ms|minutes?|секунд\w*|кадр\w*|мс|минут\w*)\s+"
    r"(?:early|late|ahead|behind|off|offset|delay|shift|lag|раньше|позже|вперед|назад)"
    r"|(?<![\w])(?:only|только)\s+(?:on|in|на|в)\s+(?:the\s+)?(?:left|right|one|first|second|одн\w*|лев\w*|"
    r"прав\w*|перв\w*|втор\w*)"
    r"|(?<![\w])(?:сам[аои]?\s+по\s+себе|все\s+равно\s+(?:выходит|идет|играет|показыва\w*|остает\w*)|"
    r"ничего\s+не\s+происходит|и\s+ничего(?:\s*[.!)]|$)|nothing\s+happens|still\s+(?:goes|plays|shows))(?![\w])"
    r"|(?:выше|ниже|громче|тише|раньше|позже),?\s+чем|(?:higher|lower|louder|quieter|earlier|later)\s+than"
    r"|(?:out\s+of\s+sync|out\s+of\s+order|instead\s+of)"
    r"|(?<![\w])не\s+(?:тот|та|то|те|того|той|тех|туда|там|в\s+том|в\s+той|по\s+порядку)(?![\w])"
    r"|на\s+(?:\d+(?:[,.-]\d+)?|пол|одну|один|две|два|пару|несколько)\s*-?\s*(?:секунд|сек|кадр|минут|мс|час)\w*\s+"
    r"(?:раньше|позже|вперед|назад)"
    r"|отлича\w+\s+от|differs?\s+from|different\s+from"
)
# Negated verbs that are symptoms in themselves ("не запускается", "не видит плату").
NEGATED = re.compile(
    r"(?<![\w])(?:не|нет|без)\s+(?:\w+\s+)?(?:запуска|старт|вид|отображ|вывод|сохраня|открыва|загружа|"
    r"захватыва|обновля|выш|выход|подхватыва|слыш|воспроизвод|проигрыва|играет|реагир|отвеча|срабатыва|"
    r"записыва|совпада|показыва|появля|меня|переключа|приход|принима|подключа|распозна|определя|"
    r"выполня|применя|доход|читает|импортир|экспортир|печата|отправля|переход|проход|уход|хват|"
    r"отрабатыва|корректн|держ|подгружа|грузит|пиш|запомина|наход|найд|успева|лов|удаля|закрыва|"
    r"останавлива|цепля|учитыва|"
    r"звук|сигнал|видео|изображ|картин|лиценз|доступ|синхрон|титр|лого|субтитр|строк|связ|реакц)"
    r"|(?:not|no|doesn't|does not|don't|do not|won't|isn't|aren't|cannot|can't|never)\s+(?:\w+\s+)?"
    r"(?:detect|start|audio|signal|video|picture|open|load|show|shown|play|played|save|record|see|seen|"
    r"visible|displayed|appear|match|switch|update|respond|connect|recogni[sz]e|text|sound|output|"
    r"advance|continue|proceed|trigger|fire|stop|close|apply|import|export|send|find|accept|log\s*in|"
    r"login|sign\s*in)"
    r"|without\s+(?:sound|audio|video|picture|image|signal|subtitles|titles|logo)"
)
# Something shown on screen: a quoted message, an error code, an access violation.
ERROR_SHOWN = re.compile(
    r"(?:ошибк\w*|error|пишет|выда[её]т|показывает|получа\w*|shows|says|reports|gets?|got|сообщени\w*)"
    r"[^\"\n]{0,40}?"
    r"(?:\"[^\"]{3,}\"|\d\d:\d\d)"
    r"|access violation|0x[0-9a-f]{4,}"
)


def has_prefix(tokens: list[str], prefixes: tuple[str, ...]) -> str | None:
    for token in tokens:
        if token.startswith(prefixes):
            return token
    return None


def has_event(text: str) -> bool:
    """Does this piece of normalised text name something going wrong (an event, not a state)?"""
    return bool(has_prefix(words(text), SYMPTOM_PREFIXES) or SYMPTOM_EN.search(text) or NEGATED.search(text))


def has_symptom(text: str) -> bool:
    """An event, a state or an error shown on screen: anything that says it goes wrong."""
    return has_event(text) or bool(has_prefix(words(text), STATE_PREFIXES) or ERROR_SHOWN.search(text))
