"""Recognising our products and the installed version of one of them.

A dotted number is taken as our version only when something ties it to us: it follows a
product name or alias, a version label ("версия", "build", "сборка", "v."), or an
"upgraded to" phrase. Everything else that looks like a version — dates, IP addresses,
phone numbers, Windows builds, driver/DirectX/.NET/codec versions — either has no such
tie or is rejected by name (a "версия драйвера" is the driver's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from supportdesk.checklist.model import ProductSpec
from supportdesk.checklist.text import normalise

# A dotted version: 1–2 digit major, 2–4 parts, not glued to other digits or letters ("9.0c",
# "x264", "2026.05.12"); a leading "v" or "v." is allowed ("v6.2", "v.6.2").
_NUMBER = r"(?<!\d\.)(?<![\d_])(?<![a-uw-zа-я])(?P<num>\d{1,2}(?:\.\d{1,5}){1,3})(?![\w])(?!\.\d)"

# Words that may stand between a product name and its version ("Forward TS Player v6.2").
_FILLER = (
    r"(?:[\s,:=\"'(\-—]|player|плеер|titler|version|versions?|ver\.?|версия|версии|верс\.|"
    r"build|сборка|сборки|release|релиз|v\.?)*"
)
_LABEL = (
    r"(?:версия|версии|версию|верс\.|version|ver\.|ver|build|сборка|сборки|сборку|релиз|release"
    r"|обновил\w*\s+до(?:\s+версии)?|updated\s+to|upgraded\s+to|установк\w*|установил\w*|поставил\w*|installed"
    r"|пакет\w*(?:\s+по)?(?:\s+для\s+плат\w*)?|у\s+нас(?:\s+стоит|\s+установлен\w*)?|we\s+are\s+on|we\s+run"
    r"|(?<![\w])v\.?)"
)
_LABEL_TAIL = r"(?:[\s:=\"'(—\-]|is|программы|по|продукта|of\s+the\s+program)*"
# A word right before the label that makes the version someone else's.
_FOREIGN = re.compile(
    r"(?:windows|win|драйвер\w*|driver|directx|\.net|net|framework|bios|firmware|прошивк\w*|"
    r"ndi\s+tools|k-lite|кодек\w*|codec|nvidia|intel|amd|xml|ос|os|sp\d|"
    # third-party programs a playout server runs next to ours
    r"vmix|casparcg|obs|vlc|ffmpeg|decklink|blackmagic|desktop\s+video|aja|magewell|matrox|chrome|"
    r"firefox|edge|браузер\w*|browser|adobe|premiere|photoshop|avid|wirecast|teamviewer|anydesk|"
    r"office|excel|java|python|quicktime|lav|madvr|radeon|geforce|quadro|dante|skype|zoom|"
    r"антивирус\w*|antivirus|kaspersky|касперск\w*)\W*$"
)
_AFTER_PRODUCT = re.compile(_FILLER + _NUMBER)
# "после обновления Forward TS до 6.2.1", "we updated Forward TS to 6.2.1": the version after
# the product an upgrade names.
_UPGRADED_TO = re.compile(r"\s*(?:до|to|на)\s+(?:верси\w+\s+|version\s+)?" + _NUMBER)
_LEFT_FROM = re.compile(r"(?:^|\W)(?:с|from)\s+$")
_MOVED_TO = re.compile(r"\s+(?:на|до|to)\s")
_UPGRADE_WORD = re.compile(
    r"(?:обновлени|обновил|обновлял|обновля|установил|поставил|updat|upgrad|перешл|перешел)\w*\W+(?:\w+\W+)?$"
)
_FAMILY = re.compile(r"(?<![\w])(?:форвард|forward)\s+" + _NUMBER)
_FROM_TO = re.compile(
    r"(?<![\w])(?:с|from)\s+(?:[a-zа-я]+\s+){0,2}?(?:версии\s+|version\s+)?\d{1,2}(?:\.\d+){1,3}\s+(?:на|до|to)\s+"
    r"(?:версию\s+|version\s+)?"
    + _NUMBER
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    product: ProductSpec


@dataclass(frozen=True)
class VersionHit:
    version: str
    product: ProductSpec | None
    snippet: str


def _alias_parts(alias: str) -> list[str]:
    return [part for part in re.split(r"[\s\-]+", normalise(alias).strip()) if part]


def _alias_pattern(alias: str) -> str:
    return r"[\s\-]*".join(re.escape(part) for part in _alias_parts(alias))


def _alias_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text)


# One pattern for every name and alias, and the product each one (without spaces and dashes) names.
_Compiled = tuple[re.Pattern[str], dict[str, ProductSpec]]


@lru_cache(maxsize=8)
def _product_regex(products: tuple[ProductSpec, ...]) -> _Compiled:
    table = [(name, spec) for spec in products for name in (spec.name, *spec.aliases)]
    # Longest first, so "Forward TS" wins over "Forward T" at the same position.
    table.sort(key=lambda item: len(item[0]), reverse=True)
    pattern = r"(?<![\w])(?:" + "|".join(_alias_pattern(name) for name, _ in table) + r")(?![\w])"
    by_key: dict[str, ProductSpec] = {}
    for name, spec in table:
        by_key.setdefault(_alias_key("".join(_alias_parts(name))), spec)
    return re.compile(pattern), by_key


def find_mentions(text: str, products: Sequence[ProductSpec]) -> list[Mention]:
    """Non-overlapping product mentions in normalised text, in order."""
    specs = tuple(products)
    try:
        hash(specs)
    except TypeError:  # a spec built with list aliases: correct, only not cached
        return list(_scan(text, _product_regex.__wrapped__(specs)))
    return list(_mentions(text, specs))


# One request asks about the same few texts several times (subject, body, both joined):
# the answer is a pure function of the text and the products, so recent ones are kept.
@lru_cache(maxsize=32)
def _mentions(text: str, products: tuple[ProductSpec, ...]) -> tuple[Mention, ...]:
    return _scan(text, _product_regex(products))


def _scan(text: str, compiled: _Compiled) -> tuple[Mention, ...]:
    pattern, by_key = compiled
    return tuple(Mention(m.start(), m.end(), by_key[_alias_key(m.group(0))]) for m in pattern.finditer(text))


def _plausible(version: str) -> bool:
    parts = [int(part) for part in version.split(".")]
    if len(parts) == 3 and parts[0] <= 31 and 1 <= parts[1] <= 12 and parts[2] >= 1900:
        return False  # a date, 12.05.2026
    if len(parts) == 3 and parts[2] >= 1000:
        return False  # a Windows build, 6.1.7601 or 10.0.19045
    if parts[0] == 10 and len(parts) >= 3 and parts[1] == 0:
        return False  # Windows 10/11 kernel version or a 10.0.x.x address
    return not (len(parts) == 4 and all(p <= 255 for p in parts) and parts[0] in {10, 127, 169, 172, 192})


def _snippet(text: str, start: int, end: int) -> str:
    left = max(text.rfind("\n", 0, start) + 1, start - 40)
    right = text.find("\n", end)
    right = min(right if right != -1 else len(text), end + 20)
    return text[left:right].strip()


def _after_product(text: str, mentions: Sequence[Mention]) -> Iterable[tuple[int, int, str, ProductSpec | None]]:
    for mention in mentions:
        match = _AFTER_PRODUCT.match(text, mention.end)
        if not match and _UPGRADE_WORD.search(text[max(0, mention.start - 40) : mention.start]):
            match = _UPGRADED_TO.match(text, mention.end)
            if match and "?" in re.split(r"[.!\n]", text[match.end() :], maxsplit=1)[0]:
                match = None  # "когда выйдет обновление Forward TS до 6.3?": asked about, not installed
        if match and _LEFT_FROM.search(text[max(0, mention.start - 12) : mention.start]) and _MOVED_TO.match(
            text, match.end("num")
        ):
            continue  # "с Forward TS 5.9 на 6.2.1": the version left behind
        if match:
            yield match.start("num"), match.end("num"), match["num"], mention.product


def _after_label(text: str) -> Iterable[tuple[int, int, str, ProductSpec | None]]:
    for match in re.finditer(r"(?<![\w])" + _LABEL + _LABEL_TAIL + _NUMBER, text):
        if _FOREIGN.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        yield match.start("num"), match.end("num"), match["num"], None
    for pattern in (_FROM_TO, _FAMILY):
        for match in pattern.finditer(text):
            yield match.start("num"), match.end("num"), match["num"], None


def _clause_is_foreign(text: str, start: int) -> bool:
    """A label such as "сборка" inside a clause about Windows belongs to Windows."""
    clause_start = max(text.rfind(sep, 0, start) for sep in ("\n", ". ", "; "))
    return bool(re.search(r"windows|драйвер|driver|directx|kb\d", text[clause_start + 1 : start]))


def find_version(text: str, products: Sequence[ProductSpec]) -> VersionHit | None:
    """The first version of ours in one piece of text (subject, body or attachment)."""
    norm = normalise(text)
    mentions = find_mentions(norm, products)
    tied = list(_after_product(norm, mentions))
    tied_starts = {start for start, *_ in tied}
    labelled = [hit for hit in _after_label(norm) if hit[0] not in tied_starts]
    labelled = [hit for hit in labelled if not _clause_is_foreign(norm, hit[0])]
    # "с 5.9 на 6.2.1": the version left behind is not the installed one.
    left_behind = {m.start("num") for m in re.finditer(r"(?<![\w])(?:с|from)\s+(?:версии\s+)?" + _NUMBER, norm)}
    hits = sorted(hit for hit in tied + labelled if _plausible(hit[2]) and hit[0] not in left_behind)
    if not hits:
        return None
    start, end, version, product = hits[0]
    if product is None:
        # A labelled version ("Версия 6.2.1") belongs to the product named last before it.
        before = [m for m in mentions if m.end <= start]
        product = before[-1].product if before else None
    return VersionHit(version=version, product=product, snippet=_snippet(text, start, end))
