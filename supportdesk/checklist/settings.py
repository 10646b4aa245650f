"""Did the customer give us the settings of the programs?

Three ways count: a settings file attached, a screenshot that its name or the text says
shows a settings dialog, or the settings written out in the text. A log, a schedule, a
playlist, a photo of an error are not settings; nor is the word "настройки" on its own
("не сохраняются настройки", "помогите с настройкой").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from supportdesk.checklist.model import AttachmentInfo
from supportdesk.checklist.text import normalise

_SETTINGS_EXTENSIONS = frozenset({"xml", "ini", "cfg", "conf", "config", "json", "reg", "ftt", "yaml", "yml"})
_IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "bmp", "gif", "webp", "tif", "tiff"})
_SETTINGS_NAME = re.compile(
    r"settings|setting|настро|options|параметр|slboardinfo|export|экспорт|dialog|окно|fdconfig|конфиг|"
    r"preset|пресет|profile|профил|свойств|properties|preferences"
)
# Data files that happen to be xml/json: schedules, playlists, subtitles.
_DATA_NAME = re.compile(r"schedule|playlist|расписан|плейлист|subtit|субтитр|(?<![a-z])logs?(?![a-z])")
_DATA_CONTENT = re.compile(r"<\s*(?:schedule|playlist|items?)\b")
_SCREENSHOT_OF_SETTINGS = re.compile(
    r"(?:скрин\w*|скриншот\w*|снимк?\w*|screenshot\w*|screen\s+shot\w*)(?:[\s,]+\w+){0,4}[\s,]+"
    r"(?:настро\w*|параметр\w*|конфиг\w*|fdconfig\w*|свойств\w*|опци\w*|settings|options|config\w*|"
    r"properties|preferences)"
    r"|(?:settings|options)\s+(?:dialog|window|screen)"
)
_ATTACHED_SETTINGS = re.compile(
    r"настройк\w*(?:\s+\w+){0,2}\s+(?:во?\s+(?:вложени|приложени)|прикладыва|прилага|высыла)"
    r"|(?:приклад\w*|прилага\w*|приложил\w*|прикреп\w*|высыла\w*|выслал\w*|присыла\w*|прислал\w*|отправ\w*)"
    r"(?:\s+\w+){0,3}\s+(?:с\s+)?(?:настро|конфиг)"
    r"|(?:архив|файл|экспорт|выгрузк|папк|каталог)\w*\s+(?:с\s+|со\s+всеми\s+)?(?:настро|конфиг)"
    r"|конфиг\w*(?:\s+\w+){0,2}\s+(?:во?\s+(?:вложени|приложени)|прикладыва|прилага|высыла)"
    r"|настро\w*\s+(?:\w+\s+)?(?:заархивир|упаков|запаков)"
    r"|(?:settings|config\w*)(?:\s+\w+){0,2}\s+(?:attached|enclosed|zipped)"
    r"|(?:zipped|packed)(?:\s+\w+){0,2}\s+(?:settings|config)"
    r"|attach\w*(?:\s+\w+){0,2}\s+(?:settings|config)"
)

# Settings written out: "Настройки выхода: формат PAL", "в настройках стоит буфер 10 кадров".
_SETTINGS_HEADING = re.compile(
    r"(?:^|\n)[^\n]{0,40}?(?:настройки|параметры|settings|parameters|config|конфигурация)[^\n:]{0,30}:\s*(?P<rest>[^\n]*)"
)
_IN_SETTINGS = re.compile(
    r"(?:в\s+настройках|в\s+fdconfig\w*|в\s+свойствах|in\s+the\s+settings|in\s+fdconfig\w*)[^.\n]{0,40}?"
    r"(?:стоит|стоят|выставлен\w*|установлен\w*|указан\w*|поменяли|изменили|включен\w*|is set|are set|set to)"
    r"|путь\s+в\s+настройках"
)
_KEY_VALUE_LINE = re.compile(r"^\s*[\w .\-]{2,30}?\s*=\s*\S.*$", re.MULTILINE)
# "Формат: 1080i50" / "Genlock: внешний": a line naming a setting of a program or a board.
_SETTING_LINE = re.compile(
    r"^\s*[-•*]?\s*(?:формат\w*|выход\w*|вход\w*|буфер\w*|genlock|генлок|режим\w*|разрешени\w*|"
    r"частот\w*|кодек\w*|аудио|видео|задержк\w*|порт|протокол\w*|источник\w*|устройств\w*|канал\w*|"
    r"шрифт\w*|кодировк\w*|format|output|input|buffer|mode|resolution|frame\s+rate|codec|audio|video|"
    r"delay|port|protocol|source|device|channel|font|encoding)"
    # "Формат: 1080i50", or a table row as text ("Формат 1080i50", "Выход SDI 1") with a technical value
    r"(?:[^:\n]{0,25}:\s*\S.*|\s+[a-z0-9][a-z0-9 .,/\-]{0,30})$",
    re.MULTILINE,
)
_CONFIGURED_STATE = re.compile(
    r"(?<![\w])(?:\w+\s+)(?:включен[аоы]?|выключен[аоы]?|отключен[аоы]?|настроен[аоы]?\s+на|enabled|disabled)"
    r"(?![\w])"
    r"|(?:режим|mode)(?![\w])(?:\s+вывода|\s+работы)?\s*[—:=-]?\s*[\"\w]"
    r"|формат\w*\s+(?:выхода|проекта|записи|вывода)\s*[—:=-]?\s*\d{3,4}[ip]"
    r"|output\s+format\s*[—:=-]?\s*\d{3,4}[ip]"
    r"|(?:проект\w*|формат\w*|project|format|we\s+use\s+an?|мы\s+используем)\W+"
    r"(?:(?!(?:с|на|from|to)\W)\w+\W+){0,2}?\d{3,4}[ip]\d{0,2}(?!\s+(?:на|to)\s)"
    r"|(?<![\w])(?:is|are)\s+set\s+to\s+\S"
    r"|(?:пишем|записываем|запись|we\s+record|recording)\s+(?:в|to|in)\s+(?:mxf|mp4|mov|avi|xdcam|dnxhd|prores|imx)"
)
_NEGATED_STATE = re.compile(r"не\s+(?:включен|настроен)|ничего\s+не\s+меня")


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def settings_attachment(attachment: AttachmentInfo, text: str) -> bool:
    """Is this attachment a settings file or a screenshot of settings? ``text`` is normalised."""
    name = normalise(attachment.filename)
    ext = _extension(name)
    content = normalise(attachment.text or "")[:4000]
    if _DATA_NAME.search(name) or _DATA_CONTENT.search(content):
        return False
    if ext in _SETTINGS_EXTENSIONS:
        return True
    if "slboardinfo" in name or "slboardinfo" in content:
        return True
    if _SETTINGS_NAME.search(name):
        return True
    if ext in _IMAGE_EXTENSIONS:
        return bool(_SCREENSHOT_OF_SETTINGS.search(text))
    return bool(_ATTACHED_SETTINGS.search(text))


def written_settings(text: str) -> str | None:
    """The settings written out in the text, or None. ``text`` is normalised."""
    for match in _SETTINGS_HEADING.finditer(text):
        rest = match["rest"].strip()
        following = text[match.end() :].lstrip("\n").split("\n", 1)[0]
        if re.search(r"\w", rest) and not re.match(r"(?:во?\s+)?(?:вложени|приложени|attached)", rest):
            return match.group(0).strip()
        if not rest and _KEY_VALUE_LINE.match(following):
            return match.group(0).strip() + " " + following.strip()
    for pattern in (_KEY_VALUE_LINE, _SETTING_LINE):
        lines = pattern.findall(text)
        if len(lines) >= 2:
            return " / ".join(line.strip() for line in lines[:3])
    for pattern in (_IN_SETTINGS, _CONFIGURED_STATE):
        stated = pattern.search(text)
        if stated and not _NEGATED_STATE.search(text[max(0, stated.start() - 10) : stated.end()]):
            return stated.group(0).strip()
    return None


def settings_evidence(text: str, attachments: Sequence[AttachmentInfo]) -> str | None:
    for attachment in attachments:
        if settings_attachment(attachment, text):
            return f"attachment: {attachment.filename}"
    return written_settings(text)
