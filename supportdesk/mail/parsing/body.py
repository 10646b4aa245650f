"""Where the new text of a mail ends: quoted history, forwards and signatures."""

from __future__ import annotations

import re
from bisect import bisect_right

# Lines that open quoted history or a forwarded message, in the forms Russian and
# international clients write them.  Matched against one stripped line.
_SEPARATORS = re.compile(
    r"""^(?:
        -{2,}\s*(?:Original\ Message|Исходное\ сообщение|Forwarded\ message|Пересылаемое\ сообщение
                |Перенаправленное\ сообщение|Пересланное\ сообщение|Начало\ пересылаемого\ сообщения
                |Message\ d'origine|Ursprüngliche\ Nachricht)\s*-*
      | Begin\ forwarded\ message:
      | Начало\ переадресованного\ сообщения:
      | _{20,}
      | ={20,}\s*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# "On <date>, <person> wrote:", "<date>, <person> <addr>:", "Вы писали ...:", The Bat!.
_ATTRIBUTION = re.compile(
    r"""^(?:
        (?:On|Am|Le)\b.{0,200}\b(?:wrote|schrieb|a\ écrit)\s*:
      | .{0,200}\b(?:написал|написала|написал\(а\)|пишет|писал|писала|wrote)\s*:
      | (?:Вы\ писали|You\ wrote).{0,120}:
      | .{0,160}\d.{0,120}<?[\w.+-]+@[\w.-]+>?\s*:
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Outlook's plain-text reply header: From:/Sent:/To:/Subject: block (Russian too).
_OUTLOOK_FROM = re.compile(r"^\*?(?:From|От|Von|De)\s*:\*?\s*\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\*?(?:Sent|Date|To|Subject|Отправлено|Дата|Кому|Тема|Gesendet|Envoyé)\s*:", re.IGNORECASE
)
_QUOTED = re.compile(r"^\s*[\w]{0,3}>")

_SIG_DELIMITER = re.compile(r"^--\s?$|^—\s*$|^_{2,19}$")
_MOBILE = re.compile(
    r"""^(?:Sent\ from\ my\ \w+|Sent\ from\ (?:Mail\ for\ Windows|Yahoo\ Mail|Outlook|my\ mobile)
        |Отправлено\ (?:с|из)\ .{0,60}|Get\ Outlook\ for\ \w+|Получить\ Outlook\ для\ \w+
        |Отправлено\ с\ мобильного\ устройства|С\ уважением,?\ отправлено\ с\ .{0,40}
        |Sent\ with\ \w+|Написано\ с\ .{0,40}|Sent\ from\ Yandex\.Mail.{0,40})\.?$""",
    re.IGNORECASE | re.VERBOSE,
)
_CLOSING = re.compile(
    r"""^(?:С\ уважением|С\ наилучшими\ пожеланиями|Всего\ (?:доброго|хорошего)|Спасибо\ заранее
        |Заранее\ спасибо|С\ благодарностью|Best\ regards|Kind\ regards|Regards|Best\ wishes
        |Yours\ sincerely|Sincerely|Cheers|Thanks\ in\ advance|Mit\ freundlichen\ Grüßen)\b[^\n]{0,60}$""",
    re.IGNORECASE | re.VERBOSE,
)
# A closing formula counts as the signature only near the end of the new text.
_CLOSING_TAIL_LINES = 12


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


# Cheap pre-filter: only lines that could open quoted history are examined closely.
_QUOTE_CANDIDATE = re.compile(
    r"^(?:[ \t]*\w{0,3}>|[ \t]*[-_=]{2,}|[ \t]*(?:Begin|Начало)|[ \t]*\*?(?:From|От|Von|De)\s*:"
    r"|[^\n]*:[ \t]*\r?$)",
    re.MULTILINE | re.IGNORECASE,
)


def find_quoted_start(text: str) -> int | None:
    """Offset of the first line of quoted history or of a forwarded message."""
    lines: list[str] | None = None
    starts: list[int] = []
    for m in _QUOTE_CANDIDATE.finditer(text):
        if lines is None:
            starts = _line_starts(text)
            lines = text.split("\n")
        i = bisect_right(starts, m.start()) - 1
        if _quote_begins(lines, i):
            # An attribution wrapped over two lines sits just above the quote.
            if _QUOTED.match(lines[i]) and i and lines[i - 1].strip().endswith(":"):
                return starts[i - 1]
            return starts[i]
    return None


def is_quote_header(line: str) -> bool:
    """A line that describes quoted history rather than quoting it: a separator, an
    attribution ("… пишет:") or a line of Outlook's From/Sent/To/Subject block."""
    line = line.strip()
    return bool(_SEPARATORS.match(line) or _OUTLOOK_FROM.match(line) or _OUTLOOK_NEXT.match(line)
                or (len(line) < 300 and _ATTRIBUTION.match(line)))


def _quote_begins(lines: list[str], i: int) -> bool:
    raw = lines[i]
    line = raw.strip()
    if not line:
        return False
    if _SEPARATORS.match(line):
        return True
    if _OUTLOOK_FROM.match(line) and _outlook_block(lines, i):
        return True
    if len(line) < 300 and _ATTRIBUTION.match(line) and _quote_follows(lines, i):
        return True
    return bool(_QUOTED.match(raw)) and _quote_run(lines, i)


def _outlook_block(lines: list[str], i: int) -> bool:
    following = [ln.strip() for ln in lines[i + 1 : i + 5] if ln.strip()]
    return sum(1 for ln in following[:4] if _OUTLOOK_NEXT.match(ln)) >= 2


def _quote_follows(lines: list[str], i: int) -> bool:
    """An attribution line is trusted when quoted lines (or a header block) follow it."""
    for ln in lines[i + 1 : i + 4]:
        if not ln.strip():
            continue
        return bool(_QUOTED.match(ln)) or bool(_OUTLOOK_FROM.match(ln.strip()))
    # Yandex/Mail.ru put the attribution last and quote in HTML blockquote: trust a
    # dated line with an address when nothing follows.
    return all(not ln.strip() for ln in lines[i + 1 :]) or "@" in lines[i]


def _quote_run(lines: list[str], i: int) -> bool:
    """At least two quoted lines, or one quoted line followed by the end of the text."""
    rest = [ln for ln in lines[i + 1 : i + 6] if ln.strip()]
    if not rest:
        return True
    return bool(_QUOTED.match(rest[0]))


_SIG_CANDIDATE = re.compile(
    r"^(?:--|—|__|Sent|Get|Отправлено|Получить|Написано|С\s|Всего|Спасибо|Заранее|С\b|Best|Kind"
    r"|Regards|Yours|Sincerely|Cheers|Thanks|Mit)",
    re.MULTILINE | re.IGNORECASE,
)


def find_signature_start(text: str, end: int | None = None) -> int | None:
    """Offset of the sender's signature within text[:end] (the new text)."""
    region = text if end is None else text[:end]
    candidates = [m.start() for m in _SIG_CANDIDATE.finditer(region)]
    if not candidates:
        return None
    starts = _line_starts(region)
    lines = region.split("\n")
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    tail = set(nonblank[-_CLOSING_TAIL_LINES:])
    first = nonblank[0]
    for pos in candidates:
        i = bisect_right(starts, pos) - 1
        if i == first:
            continue
        line = lines[i].strip()
        if _SIG_DELIMITER.match(lines[i].rstrip("\r")):
            return starts[i]
        if _MOBILE.match(line) and len(line) < 80:
            return starts[i]
        if i in tail and _CLOSING.match(line):
            return starts[i]
    return None


# RFC 3676 (format=flowed): Thunderbird, Apple Mail, K-9 and others wrap long lines and mark
# each soft break with a trailing space; quoted lines carry their depth as leading '>'s.
_FLOW_QUOTE = re.compile(r"^>+")


def unflow(text: str, delsp: bool = False) -> str:
    """Plain text of a format=flowed body: soft line breaks joined within the same quote depth,
    space-stuffing removed; with DelSp=yes the space a generator added at each soft break
    (text without spaces: Japanese, Chinese, a long URL) is dropped. "-- " stays a line."""
    out: list[str] = []
    para: list[str] = []
    para_depth = -1
    for raw in text.split("\n"):
        raw = raw.rstrip("\r")
        quote = _FLOW_QUOTE.match(raw)
        depth = len(quote.group(0)) if quote else 0
        line = raw[depth:]
        if line.startswith(" "):
            line = line[1:]  # space-stuffing (or the space after the quote marks)
        if para and depth != para_depth:
            out.append(_flowed_line(para, para_depth))  # a flowed line never joins another depth
            para = []
        flowed = line.endswith(" ") and line != "-- "
        if flowed and delsp:
            line = line[:-1]
        para.append(line)
        para_depth = depth
        if not flowed:
            out.append(_flowed_line(para, depth))
            para = []
    if para:
        out.append(_flowed_line(para, para_depth))
    return "\n".join(out)


def _flowed_line(pieces: list[str], depth: int) -> str:
    joined = "".join(pieces)
    return (">" * depth + (" " if joined else "") + joined) if depth else joined


_WORD = re.compile(r"\w{3,}")
# A notice in place of a plain version is short; a real rendition of a long HTML text is not.
_STUB_MAX_WORDS = 60
_STUB_SHARED = 0.3
_STUB_MIN_HTML_WORDS = 3
_FULLER_SHARED = 0.8
# A notice in place of the plain version speaks of what it stands in for: HTML, a browser, a
# viewer or mail program, a format. A short plain text that shares few words with the HTML
# but names none of these is a text of its own (a mailer that sends two different texts).
_STUB_WORDS = re.compile(
    r"html|browser|viewer|view\b|client|program|display|format|anzeig|navigateur|afficher|visualiz|"
    r"браузер|просмотр|отображ|клиент|программ|формат", re.IGNORECASE)


def is_stub_alternative(plain: str, html_text: str) -> bool:
    """A plain alternative that is no rendition of the HTML one but a notice in its place
    ("This is an HTML message. Please use an HTML capable mail program", "Для просмотра
    письма используйте..."): short, naming what it stands in for, with few of its words in the
    HTML's text, which has some and whose words it does not hold (a mailer that cut the HTML
    down keeps the whole plain)."""
    words = _WORD.findall(plain.lower())
    if not words or len(words) > _STUB_MAX_WORDS or not _STUB_WORDS.search(plain):
        return False
    html_words = _WORD.findall(html_text.lower())
    if len(html_words) < _STUB_MIN_HTML_WORDS:
        return False  # an HTML version of images or links only: the plain text is what there is
    shared = set(words) & set(html_words)
    if len(shared) >= _FULLER_SHARED * len(set(html_words)):
        return False  # the plain text holds the HTML's words and more: a fuller version, no notice
    return len(shared) < _STUB_SHARED * len(set(words))
