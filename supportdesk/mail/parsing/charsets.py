"""Bytes → text for mail in any charset a Russian correspondent may use.

The declared charset is trusted when it decodes cleanly and the result reads like
plausible text; otherwise the Cyrillic single-byte charsets are scored against a
Russian letter-frequency model, and charset-normalizer is the last resort.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from charset_normalizer import from_bytes

# Relative frequencies (%) of Russian letters; the log-probabilities score how
# much a decoding looks like Russian.  Ukrainian/Belarusian letters get a small share.
_RU_FREQ = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47,
    "р": 4.73, "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81,
    "у": 2.62, "я": 2.01, "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59,
    "ч": 1.44, "й": 1.21, "х": 0.97, "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48,
    "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04, "ё": 0.20,
    "і": 0.3, "ї": 0.1, "є": 0.1, "ґ": 0.05, "ў": 0.05,
}
# Mild: all-caps Russian must still beat a case-inverting misdecoding.
_UPPER_PENALTY = math.log(0.5)
# Punctuation that Russian text in 8-bit charsets legitimately contains.
_PUNCT = set("«»—–…№“”„‘’•°±©®™\u00a0·§")
_PUNCT_SCORE = math.log(0.01)
_OTHER_SCORE = math.log(0.0002)
_LETTER_SCORE = {ch: math.log(f / 100) for ch, f in _RU_FREQ.items()}
_LETTER_SCORE.update(
    {ch.upper(): s + _UPPER_PENALTY for ch, s in list(_LETTER_SCORE.items())}
)
# Frequent Russian bigrams: unigram scores alone confuse all-caps KOI8-R with
# windows-1251 (the two map case-flipped letters onto each other).
_BIGRAMS = (
    "ст", "но", "то", "на", "ен", "ов", "ни", "ра", "во", "ко", "ал", "пр", "ро",
    "по", "ре", "ос", "ет", "ер", "ан", "ли", "от", "ка", "ор", "ол", "ть", "ле",
    "ль", "ва", "ат", "ит", "ом", "ел", "ес", "не", "ой", "ая", "ие", "ый",
)
_BIGRAM_RE = re.compile("(?=" + "|".join(_BIGRAMS) + ")")  # overlapping matches
_BIGRAM_WEIGHT = 3.0
# Score above which a decoding is taken as readable Russian without comparing.
CONFIDENT = -3.4
# Score above which a guessed (undeclared) Cyrillic decoding is accepted.
PLAUSIBLE = -4.0
# A few 8-bit letters (a file name "ТЗ.docx", "КП.pdf", "ИНН.txt") say little about their charset:
# up to this many, another charset must beat the declared one (or windows-1251, the common one)
# by a wide margin, and an all-letters reading is accepted on a lower score.
SHORT_SAMPLE = 8
_SHORT_MARGIN = 1.2
_PLAUSIBLE_SHORT = -5.0

CYRILLIC_CANDIDATES = ("windows-1251", "koi8-r", "cp866", "iso8859-5")
CYRILLIC_SINGLE_BYTE = frozenset(CYRILLIC_CANDIDATES) | {"koi8-u", "cp1125", "mac-cyrillic"}
_CYRILLIC_SINGLE_BYTE = CYRILLIC_SINGLE_BYTE
_WESTERN = frozenset({"ascii", "latin-1", "cp1252", "iso8859-15", "iso8859-2", "cp437"})
_ASCII_BYTES = bytes(range(128))
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NON_LETTERS = bytes(b for b in range(256) if b not in _ASCII_LETTERS)

# Labels seen in real mail that Python's codec registry does not know.
_ALIASES = {
    "win-1251": "windows-1251", "win1251": "windows-1251", "x-cp1251": "windows-1251",
    "cp-1251": "windows-1251", "windows1251": "windows-1251", "x-win1251": "windows-1251",
    "koi8": "koi8-r", "koi8r": "koi8-r", "x-koi8-r": "koi8-r", "koi-8-r": "koi8-r",
    "koi8_r": "koi8-r", "ibm866": "cp866", "x-ibm866": "cp866", "dos-866": "cp866",
    "x-mac-cyrillic": "mac-cyrillic", "maccyrillic": "mac-cyrillic",
    "unicode-1-1-utf-7": "utf-7", "utf8": "utf-8", "x-utf-8": "utf-8",
    "us-ascii": "ascii", "ansi_x3.4-1968": "ascii", "iso-8859-1": "latin-1",
    "x-user-defined": "", "unknown-8bit": "", "x-unknown": "", "unknown": "",
    "default": "", "charset": "", "8bit": "", "binary": "",
    "windows-874": "cp874", "x-sjis": "cp932", "ms932": "cp932", "windows-31j": "cp932",
    "x-gbk": "gbk", "ks_c_5601": "cp949", "x-euc-jp": "euc_jp",
    "mac-roman": "mac-roman", "mac-ce": "mac-latin2", "gb_2312-80": "gb2312", "windows-949": "cp949",
    "koi8-ru": "koi8-u", "ucs-2": "utf-16-be", "iso-10646-ucs-2": "utf-16-be",
    "unicode": "utf-16", "unicodefffe": "utf-16-be",  # Microsoft's names for UTF-16
    # The WHATWG Encoding Standard's labels that Python's registry lacks, and UTF-7's other names.
    "sun_eu_greek": "iso8859-7", "visual": "iso8859-8", "logical": "iso8859-8", "csiso88598e": "iso8859-8",
    "csiso88598i": "iso8859-8", "iso885910": "iso8859-10", "iso885913": "iso8859-13", "iso885914": "iso8859-14",
    "csisolatin9": "iso8859-15", "koi": "koi8-r", "csmacintosh": "mac-roman", "mac": "mac-roman",
    "dos-874": "cp874", "ms874": "cp874", "mac-ukrainian": "mac-cyrillic", "csgb2312": "gb2312",
    "gb_2312": "gb2312", "cseucpkdfmtjapanese": "euc_jp", "cseuckr": "cp949", "csksc56011987": "cp949",
    "iso-ir-149": "cp949", "ks_c_5601-1989": "cp949", "ksc_5601": "cp949", "csunicode": "utf-16-le",
    "unicodefeff": "utf-16-le", "csunicode11utf7": "utf-7", "unicode-2-0-utf-7": "utf-7", "unicode20utf7": "utf-7",
}
# Labels that mailers put on text written in a larger charset: the superset decodes what
# the label's own charset refuses (Windows and the WHATWG Encoding Standard do the same).
SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
    "big5": "big5hkscs", "iso8859-9": "cp1254", "tis-620": "cp874", "iso8859-11": "cp874",
    "iso2022_jp": "cp932",  # 8-bit Shift_JIS behind an ISO-2022-JP label
}
_ISO2022 = ("utf-7", "iso2022_jp", "iso2022_kr", "hz")
_C1_LABELS = frozenset({"latin-1", "ascii"})  # their 0x80-0x9f bytes are windows-1252 in real mail


def nfc(text: str) -> str:
    """Text in Unicode's composed form: a Mac writes file names decomposed ("й" as "и" and a
    combining breve), which look the same but split words for search and for the request
    check."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


@lru_cache(maxsize=256)
def normalize_charset(label: str | None) -> str | None:
    """Python codec name for a charset label, '' for 'unknown', None for no label."""
    if label is None:
        return None
    key = label.strip().strip("\"'").lower()
    if not key:
        return None
    if not key.isascii() or not key.isprintable():
        return ""
    if key in _ALIASES:
        return _ALIASES[key]
    for candidate in (key, *_label_variants(key)):
        if candidate in _ALIASES:
            return _ALIASES[candidate]
        try:
            name = codecs.lookup(candidate).name
        except (LookupError, ValueError):
            continue
        return {"cp1251": "windows-1251", "iso8859-1": "latin-1", "utf-8": "utf-8"}.get(name, name)
    return ""


# Spellings of known labels that Python's registry refuses: a quoted-printable "3D" left
# before the value, "x-" prefixes (x-cp1250, x-mac-roman, x-x-big5), "win-"/"ansi-" for
# windows-, "cp-850", "8859-1", and the WHATWG Encoding Standard's visual/logical Hebrew and
# Arabic labels (iso-8859-8-i reads as iso-8859-8).
_LABEL_FIXES = ((re.compile(r"^3d"), ""), (re.compile(r"^(?:x-)+"), ""), (re.compile(r"^(?:win|ansi)-?(?=12)"), "windows-"),
                (re.compile(r"^cp-"), "cp"), (re.compile(r"^8859"), "iso-8859"),
                (re.compile(r"^(iso-?8859-[68])-[ie]$"), r"\1"), (re.compile(r"^cn-"), ""))


def _label_variants(key: str) -> list[str]:
    out = []
    for pattern, repl in _LABEL_FIXES:
        fixed = pattern.sub(repl, key).strip("\"'; ")
        if fixed != key and fixed:
            out.append(fixed)
            key = fixed
    return out


def cyrillic_score(sample: str) -> float:
    """Mean per-character log-likelihood of a string of 8-bit characters as Russian."""
    if not sample:
        return 0.0
    total = 0.0
    for ch, n in Counter(sample).items():
        score = _LETTER_SCORE.get(ch)
        if score is None:
            score = _PUNCT_SCORE if ch in _PUNCT else _OTHER_SCORE
        total += score * n
    low = sample.lower()
    pairs = len(_BIGRAM_RE.findall(low))
    return total / len(sample) + _BIGRAM_WEIGHT * pairs / max(1, len(sample) - 1)


def _high_bytes(data: bytes, limit: int = 600) -> bytes:
    return data.translate(None, _ASCII_BYTES)[:limit]


def _sample_for(data: bytes, charset: str) -> str:
    """The non-ASCII characters of a decoding, for scoring (a bounded sample)."""
    if charset in _CYRILLIC_SINGLE_BYTE or charset in _WESTERN:
        return _high_bytes(data).decode(charset, "replace")
    text = data[:6000].decode(charset, "replace")
    return "".join(ch for ch in text if ord(ch) > 127)[:1500]


_MIXED = re.compile(rb"[A-Za-z][\x80-\xff]|[\x80-\xff][A-Za-z]")


def _looks_non_latin(data: bytes) -> bool:
    """True when 8-bit bytes are a large share of the letters (not accents in Latin text)."""
    high = len(data.translate(None, _ASCII_BYTES))
    if high == 0:
        return False
    latin = len(data.translate(None, _NON_LETTERS))
    return high / (high + latin) > 0.12 and not _accented_latin(data[:8000])


# A Western label (iso-8859-1, windows-1252) is taken for a wrong one only on at least two 8-bit
# bytes, most of them not the typography windows-1252 puts there (a euro sign, curly quotes
# and dashes around a short subject are what the label says).
_WESTERN_OVERRIDE_MIN = 2
_WESTERN_TYPOGRAPHY = frozenset("‘’“”‚„–—…€•™")


def _overrides_western_label(data: bytes) -> bool:
    """Cyrillic (or other non-Latin) text under a Western label."""
    high = data.translate(None, _ASCII_BYTES)
    if len(high) < _WESTERN_OVERRIDE_MIN or not _looks_non_latin(data):
        return False
    typography = sum(1 for ch in high[:600].decode("cp1252", "replace") if ch in _WESTERN_TYPOGRAPHY)
    return typography * 2 < min(len(high), 600)


# An 8-bit byte glued to a letter or to another 8-bit byte: part of a word.
_GLUED_HIGH = re.compile(rb"[A-Za-z\x80-\xff][\x80-\xff]|[\x80-\xff][A-Za-z]")


def _lone_symbols(data: bytes) -> bool:
    """A few 8-bit bytes, each alone between spaces, digits or punctuation, that windows-1251
    reads as typography ("VIAGRA \xae", "10\xb0C", "\xab...\xbb"): a one-letter Cyrillic
    word guessed from one byte is no better evidence than the sign that windows-1252 agrees on."""
    high = _high_bytes(data)
    if not 0 < len(high) <= SHORT_SAMPLE or _GLUED_HIGH.search(data):
        return False
    return all(ch in _PUNCT for ch in high.decode("windows-1251", "replace"))


def _few_latin_letters(data: bytes) -> bool:
    """A few 8-bit bytes, every one a Latin letter in windows-1252, that neither a Cyrillic nor a
    double-byte reading passed ("-\xe4\xf6\xfc\xdf-" is German "äöüß"): a detector's guess from
    so little is a pair of rare ideographs ("噈晧"); the letters are the better reading."""
    high = _high_bytes(data)
    if not 0 < len(high) <= SHORT_SAMPLE:
        return False
    letters = high.decode("cp1252", "replace")
    return all(ch.isalpha() and "\u00c0" <= ch <= "\u017f" for ch in letters)


def _accented_latin(data: bytes) -> bool:
    """8-bit bytes glued to ASCII letters: accents inside Latin words, not Cyrillic."""
    high = len(data.translate(None, _ASCII_BYTES))
    return bool(high) and len(_MIXED.findall(data)) > 0.3 * high


def _margin(high: bytes, margin: float) -> float:
    """How much another charset's score must exceed the first one's on these 8-bit bytes."""
    return _SHORT_MARGIN if len(high) <= SHORT_SAMPLE else margin


def _short_cyrillic_word(data: bytes, charset: str) -> bool:
    """A few 8-bit bytes that all read as Cyrillic letters in one of the two common charsets,
    and as words: a run of three letters or more holds a vowel unless it is a capitals'
    abbreviation ("НДС", "КП"), and no letter turns capital inside a word; "дць" and "дцьЯ" are
    German "äöü(ß)" read as windows-1251."""
    high = _high_bytes(data)
    if charset not in ("windows-1251", "koi8-r") or not 0 < len(high) <= SHORT_SAMPLE:
        return False
    if not all("\u0400" <= ch <= "\u04ff" for ch in high.decode(charset, "replace")):
        return False
    text = data.decode(charset, "replace")
    if _CASE_FLIP.search(text):
        return False  # "дцьЯ" is German "äöüß": a word's letters do not turn capital at its end
    if _lone_non_words(text):
        return False
    runs = _CYRILLIC_WORD.findall(text)
    return all(len(run) < 3 or run.isupper() or any(ch in _CYRILLIC_VOWELS for ch in run.lower()) for run in runs)


_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєў")


# A lower-case letter followed by a capital ("рЙУШНП", "пЫЙВЛБ"): KOI8-R read as windows-1251 or
# back inverts letter case, which real text does only at a word glued to a name.
_CASE_FLIP = re.compile("[а-яёіїєґў][А-ЯЁІЇЄҐЎ]")
_CASE_FLIP_WEIGHT = 2.0


_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")


def plain_cyrillic_words(text: str) -> bool:
    """Every 8-bit character a Cyrillic letter, every Cyrillic word in one letter case or
    capitalised ("ТЗ", "скан", "Отчёт"; not "яВЕР")."""
    high = [ch for ch in text if ord(ch) > 0x7F]
    if not high or not all("\u0400" <= ch <= "\u04ff" for ch in high):
        return False
    return all(w.isupper() or w.islower() or (w[0].isupper() and w[1:].islower()) for w in _CYRILLIC_WORD.findall(text))


# Up to this many 8-bit bytes, a Cyrillic reading that overrides a declared label must read as
# plain words: the letter model alone is not enough evidence against what the sender said.
_LABEL_KEPT_BELOW = 40


# The one-letter words of Russian (and Ukrainian, Belarusian): any other lone letter is no word.
_ONE_LETTER_WORDS = frozenset("авиксоуяжбзйіў")


def _lone_non_words(text: str) -> bool:
    """A Cyrillic letter standing alone that is no word ("д ц ь" is German "ä ö ü" read as
    windows-1251)."""
    return any(len(w) == 1 and w.lower() not in _ONE_LETTER_WORDS for w in _CYRILLIC_WORD.findall(text))


def _odd_words(data: bytes, charset: str) -> bool:
    """A short Cyrillic reading whose words are no words ("ЛОЙшЕОЛЛш" is Slovak "ťžščľžťťč"
    read as ISO-8859-5): the declared label is the better reading."""
    if len(_high_bytes(data)) > _LABEL_KEPT_BELOW:
        return False
    text = data.decode(charset, "replace")
    return not plain_cyrillic_words(text) or _lone_non_words(text)


def _russian_looking_runs(text: str) -> bool:
    """Every Cyrillic word a capitals' abbreviation ("КП", "НДС") or holding a frequent Russian
    letter pair: what a few 8-bit letters must read as before they overrule a declared label
    (Danish "æøå" under iso-8859-1 reads "жше" in windows-1251, a form of a word but none)."""
    return all(run.isupper() or _BIGRAM_RE.search(run.lower()) for run in _CYRILLIC_WORD.findall(text))


def reading_score(data: bytes, charset: str, high: bytes | None = None) -> float:
    """How much the Cyrillic reading of data in the charset looks like Russian: the letter model
    on its 8-bit characters, less a share for each case flip inside a word."""
    high = _high_bytes(data) if high is None else high
    head = data[:2000].decode(charset, "replace")
    flips = len(_CASE_FLIP.findall(head))
    return cyrillic_score(high.decode(charset, "replace")) - _CASE_FLIP_WEIGHT * flips / max(1, len(_high_bytes(data[:2000])))


def best_cyrillic(data: bytes, first: str | None = None) -> tuple[str, float]:
    """The Cyrillic single-byte charset (or UTF-8) whose decoding reads best."""
    high = _high_bytes(data)
    best, best_score = "", -1e9
    order = [first] if first else []
    order += [c for c in CYRILLIC_CANDIDATES if c != first]
    for cs in order:
        score = reading_score(data, cs, high)
        # A small margin keeps the declared/first charset on near ties.
        if score > best_score + (_margin(high, 0.05) if best else 0):
            best, best_score = cs, score
    return best, best_score


def _try_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _surrogates_utf8(data) if b"\xed" in data else None


# One half of a UTF-16 surrogate pair written as a UTF-8 sequence of its own.
_SURROGATE_HALF = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")


def _surrogates_utf8(data: bytes) -> str | None:
    """UTF-8 that writes a character beyond the BMP (an emoji) as the two halves of its UTF-16
    surrogate pair (CESU-8: Java's "modified UTF-8", Tcl 8.6's encoder): the pairs joined, a
    lone half replaced. None when anything else in it is no UTF-8."""
    if not _SURROGATE_HALF.search(data):
        return None
    try:
        text = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# What charset-normalizer may answer: charsets mail is written in. On a short sample it also
# offers EBCDIC, UTF-16 or Urdu code pages, whose reading of a few bytes is pure garbage.
_MAIL_CHARSETS = frozenset({
    "windows-1251", "koi8-r", "koi8-u", "cp866", "iso8859-5", "mac-cyrillic", "latin-1", "cp1252",
    "iso8859-15", "iso8859-2", "cp1250", "iso8859-7", "cp1253", "iso8859-9", "cp1254", "iso8859-13", "cp1257",
    "iso8859-4", "iso8859-8", "cp1255", "iso8859-6", "cp1256", "cp874", "cp1258", "gb18030", "gbk", "gb2312",
    "big5", "big5hkscs", "cp932", "shift_jis", "euc_jp", "cp949", "euc_kr", "utf-8",
})


def _normalizer_guess(data: bytes) -> str | None:
    try:
        matches = list(from_bytes(data[:20000]))
    except Exception:  # noqa: BLE001 - a detector failure must not lose the mail
        return None
    for match in matches:
        name = normalize_charset(match.encoding)
        if name in _MAIL_CHARSETS:
            return name
    return None


# JIS X 0208 (and the NEC/IBM rows Microsoft adds) or JIS X 0201 kana between ISO-2022-JP escapes.
_JIS_ESCAPE = re.compile(rb"\x1b(\$[@B]|\([BJI])")


def decode_iso2022jp_cp932(data: bytes) -> str:
    """ISO-2022-JP as Microsoft writes it (CP50220/CP50221): the double-byte runs may use
    CP932's extension rows (circled digits, Roman numerals), which Python's iso2022_jp
    refuses. Each run is re-encoded as Shift_JIS and decoded with cp932."""
    chunks = _JIS_ESCAPE.split(data)
    out = bytearray(chunks[0])
    for mode, run in zip(chunks[1::2], chunks[2::2], strict=True):
        if mode in (b"$@", b"$B"):
            run = run.replace(b"\r", b"").replace(b"\n", b"")
            for i in range(0, len(run) - 1, 2):
                out += _jis_to_sjis(run[i], run[i + 1])
        elif mode == b"(I":
            out += bytes(b + 0x80 if 0x21 <= b <= 0x5F else b for b in run)
        else:
            out += run
    return out.decode("cp932", "replace")


def _jis_to_sjis(c1: int, c2: int) -> bytes:
    if not (0x21 <= c1 <= 0x7E and 0x21 <= c2 <= 0x7E):
        return b"?"
    s1 = ((c1 + 1) >> 1) + (0x70 if c1 < 0x5F else 0xB0)
    s2 = c2 + (0x1F if c1 % 2 else 0x7E)
    return bytes((s1, s2 + 1 if c1 % 2 and s2 >= 0x7F else s2))


def _decode_7bit(data: bytes, cs: str | None) -> tuple[str, str, str | None]:
    japanese = cs == "iso2022_jp" or (not cs and b"\x1b$" in data)
    if cs in _ISO2022 or japanese:
        for candidate in (cs or "iso2022_jp",) + (_JIS_VARIANTS if japanese else ()):
            try:
                return data.decode(candidate), candidate, None
            except (UnicodeDecodeError, LookupError):
                pass
        if japanese:
            return decode_iso2022jp_cp932(data), "cp50221", None
        if cs == "utf-7":
            try:
                return _utf7_with_commas(data).decode("utf-7"), "utf-7", "utf-7 with ',' for '/' (IMAP's alphabet)"
            except UnicodeDecodeError:
                pass
    return data.decode("ascii"), "ascii", None


# A shifted run of UTF-7 written in IMAP's modified base64 (',' for '/', RFC 3501 5.1.3), as
# some Japanese mailers wrote unicode-1-1-utf-7: "+MMYwuTDIMOEw,DDrMG5nLGWH-". Only a run closed
# by '-' and holding no other character: standard UTF-7 ends a run at a ',' ("+AKM-, +AKM,").
# Every run is matched whole, closed or not (possessively): the search goes on after it, so a
# long run of '+' and ',' costs linear time.
_UTF7_RUN = re.compile(rb"\+[A-Za-z0-9+/,]*+(-?)")


def _utf7_with_commas(data: bytes) -> bytes:
    def fix(m: re.Match[bytes]) -> bytes:
        run = m.group(0)
        return run.replace(b",", b"/") if m.group(1) and b"," in run else run

    return _UTF7_RUN.sub(fix, data)


_JIS_VARIANTS = ("iso2022_jp_2004", "iso2022_jp_2", "iso2022_jp_ext")


_WHOLE_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _cut_utf8(data: bytes) -> str | None:
    """UTF-8 whose only fault is a character cut at the very end (a name or text cut to a
    length): the whole characters, without the cut one; a line end after the cut is kept."""
    head = data.rstrip(b"\r\n\t ")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8", "replace") + data[len(head) :].decode("ascii")
    return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken sequences (a name cut mid-character): decoded with U+FFFD for
    them, rather than read as a single-byte charset that would turn every letter into mojibake."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    wide = len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII characters, counted in C
    return text if wide >= 2 and bad <= max(1, wide // 20) else None


def _utf8_line(line: bytes, least: int = 1) -> bool:
    """The line is UTF-8 with at least ``least`` characters beyond ASCII."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return least <= 1 or sum(1 for ch in text if ord(ch) > 0x7F) >= least


# A whole two-byte UTF-8 character: the cheap sign that a line may be UTF-8.
_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
# Under a declared single-byte label, a line is taken for UTF-8 on this many of its characters:
# one or two 8-bit pairs happen to be valid UTF-8 in windows-1251 ("Я»").
_UTF8_LINE_UNDER_LABEL = 3


def _mixed_lines(data: bytes, declared: str | None = None) -> tuple[str, str] | None:
    """UTF-8 lines beside lines in a single-byte charset (a UTF-8 text under a signature or a
    quote pasted from a Latin-1 or windows-1251 mail, a gateway's UTF-8 disclaimer appended to a
    windows-1251 part, which a whole-text reading turns into mojibake on one side or the
    other): (the text with each line read in its own, the other lines' charset, the declared
    one or guessed on them alone); None unless both kinds of 8-bit line occur."""
    if declared and not _UTF8_PAIR.search(data):
        return None
    least = _UTF8_LINE_UNDER_LABEL if declared else 1
    lines = data.splitlines(keepends=True)
    utf8 = [not line.isascii() and _utf8_line(line, least) for line in lines]
    other = [not line.isascii() and not ok for line, ok in zip(lines, utf8, strict=True)]
    if not any(utf8) or not any(other):
        return None
    _text, charset, _defect = decode_bytes(b"".join(line for line, odd in zip(lines, other, strict=True) if odd),
                                           declared)
    return "".join(line.decode("utf-8") if ok else line.decode(charset, "replace")
                   for line, ok in zip(lines, utf8, strict=True)), charset


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16 = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def utf16_charset(data: bytes, cs: str | None) -> str | None:
    """The UTF-16/32 codec to read data in: the declared one, or (label missing, unknown or a
    single-byte one) the one a byte order mark names, or UTF-16 when every other byte of a
    text is NUL (Windows tools write UTF-16 without a label); None for any other text."""
    if cs in _UTF16:
        return cs
    if cs not in (None, "", "ascii", "utf-8") and cs not in _WESTERN and cs not in _CYRILLIC_SINGLE_BYTE:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and len(data) % 2 == 0:
        return "utf-16"
    sample = data[:2000]
    if len(sample) >= 8 and len(sample) % 2 == 0:
        odd, even = sample[1::2], sample[0::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str, str | None]:
    """Decode mail text; returns (text, charset used, defect or None). Never raises."""
    cs = normalize_charset(declared)
    wide = utf16_charset(data, cs)
    if wide:
        return data.decode(wide, "replace").lstrip("\ufeff"), wide, None if cs == wide else (
            f"charset {declared or 'missing'}, read as {wide}")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]  # a byte order mark is no text (and says UTF-8 whatever the label)
    if data.isascii():
        return _decode_7bit(data, cs)
    if cs == "ascii":
        cs = ""  # 8-bit bytes under a US-ASCII label: the label says nothing about them
    utf8 = _try_utf8(data)
    if utf8 is not None:
        # Valid UTF-8 with 8-bit content is practically never an accident.
        defect = None if cs in (None, "", "utf-8", "ascii") else f"charset {declared} is really utf-8"
        if cs in (None, "", "utf-8", "ascii") or cs in _CYRILLIC_SINGLE_BYTE or cs in _WESTERN:
            return utf8, "utf-8", defect
    if cs in (None, "", "utf-8"):
        # undeclared: a cut character is UTF-8 only beside a whole one ("Caf\xe9" is Latin-1)
        cut = _cut_utf8(data) if cs == "utf-8" or _WHOLE_UTF8_CHAR.search(data) else None
        if cut is not None:
            return cut, "utf-8", "utf-8 cut inside a character"
        nearly = _mostly_utf8(data)
        if nearly is not None:
            return nearly, "utf-8", "invalid utf-8 sequences replaced"
        mixed = _mixed_lines(data)
        if mixed is not None:
            return mixed[0], "utf-8", f"utf-8 text with lines in {mixed[1]}, each line read in its own"
    if cs in _CYRILLIC_SINGLE_BYTE or cs in _WESTERN:
        mixed = _mixed_lines(data, cs)
        if mixed is not None:
            return mixed[0], "utf-8", f"charset {declared} with lines in utf-8, each line read in its own"
    if cs in _CYRILLIC_SINGLE_BYTE:
        sample = _high_bytes(data)
        own = reading_score(data, cs, sample)
        if own >= CONFIDENT and len(sample) >= 40:
            return data.decode(cs, "replace"), cs, None
        # A few letters: the label is preferred while it reads as plain words ("КП", "Счет"); a
        # reading with its letter case inverted ("яВЕР") is no reason to prefer it.
        own_text = data.decode(cs, "replace")
        plain = len(sample) > SHORT_SAMPLE or plain_cyrillic_words(own_text)
        if plain and len(sample) <= SHORT_SAMPLE and not _lone_non_words(own_text):
            # So few letters that read as words in the declared charset ("Ёж", "Юг"): another
            # Cyrillic charset's reading of them is a guess against what the sender said.
            return own_text, cs, None
        best, score = best_cyrillic(data, cs if plain else None)
        if not plain:
            own = -1e9
        if best != cs and score > own + _margin(sample, 0.2):
            return data.decode(best, "replace"), best, f"charset {declared} is really {best}"
        return data.decode(cs, "replace"), cs, None
    if cs and cs not in _WESTERN and cs != "utf-8":
        for candidate in (cs, SUPERSETS.get(cs)):
            try:
                return data.decode(candidate or ""), candidate or cs, None
            except (UnicodeDecodeError, LookupError):
                pass
    if not cs and _lone_symbols(data):
        return data.decode("windows-1251"), "windows-1251", "undeclared charset, guessed windows-1251"
    if (not cs and not _accented_latin(data[:8000])) or (cs not in _WESTERN and _looks_non_latin(data)) or (
            cs in _WESTERN and _overrides_western_label(data)):
        best, score = best_cyrillic(data)
        short_ok = score >= _PLAUSIBLE_SHORT and _short_cyrillic_word(data, best) and (
            not cs or _russian_looking_runs(data.decode(best, "replace")))
        if (score >= PLAUSIBLE or short_ok) and not (cs and _odd_words(data, best)):
            defect = f"undeclared charset, guessed {best}" if not cs else (
                f"charset {declared} is really {best}")
            return data.decode(best, "replace"), best, defect
    if cs in ("", None, "utf-8"):  # undeclared, or a UTF-8 label on what is no UTF-8
        east = east_asian_guess(data)
        if east:
            return data.decode(east, "replace"), east, f"undeclared charset, guessed {east}" if not cs else (
                f"charset {declared} is really {east}")
    if cs in _WESTERN:
        return _decode_western(data, cs)
    if cs in (None, "", "utf-8") and (_accented_latin(data[:8000]) or _few_latin_letters(data)):
        defect = "undeclared charset, guessed cp1252" if not cs else "charset utf-8 is really cp1252"
        return data.decode("cp1252", "replace"), "cp1252", defect
    guess = _normalizer_guess(data)
    if guess:
        try:
            return data.decode(guess, "replace"), guess, f"charset {declared or 'missing'}, guessed {guess}"
        except LookupError:
            pass
    if cs == "utf-8":
        return data.decode("utf-8", "replace"), "utf-8", "invalid utf-8"
    return data.decode("windows-1251", "replace"), "windows-1251", "undecodable text, fell back to windows-1251"


def _gb_common(ch: str) -> bool:
    # GB2312 level 1 (the 3755 most used hanzi) and its punctuation rows
    lead = ch.encode("gb2312", "ignore")[:1]
    return bool(lead) and (0xB0 <= lead[0] <= 0xD7 or 0xA1 <= lead[0] <= 0xA3)


def _sjis_common(ch: str) -> bool:
    # kana, JIS level 1 kanji (lead 0x88-0x98) and the symbol row
    if "\u3040" <= ch <= "\u30ff":
        return True
    lead = ch.encode("cp932", "ignore")[:1]
    return bool(lead) and (0x88 <= lead[0] <= 0x98 or lead[0] == 0x81)


def _big5_common(ch: str) -> bool:
    # Big5's frequently used characters (lead 0xA4-0xC6) and its symbol rows
    lead = ch.encode("big5", "ignore")[:1]
    return bool(lead) and (0xA4 <= lead[0] <= 0xC6 or 0xA1 <= lead[0] <= 0xA3)


def _hangul_common(ch: str) -> bool:
    # the 2350 KS X 1001 syllables and its symbol rows
    if "\uac00" <= ch <= "\ud7a3":
        return True
    lead = ch.encode("cp949", "ignore")[:1]
    return bool(lead) and 0xA1 <= lead[0] <= 0xA3


# Double-byte charsets in the order a tie goes (the same bytes often decode in several); each
# with the test of a character common in text written in it.
_EAST_ASIAN = (("gb18030", _gb_common), ("cp932", _sjis_common), ("big5", _big5_common), ("cp949", _hangul_common))
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_HANGUL_WORDS = re.compile(rb"[\xb0-\xc8][\xa1-\xfe] [\xb0-\xc8][\xa1-\xfe]")
# Share of the decoded characters that must be common ones: random single-byte text (Cyrillic,
# accented Latin) decodes into rare characters or not at all.
EAST_ASIAN_COMMON = 0.8


def east_asian_guess(data: bytes) -> str | None:
    """The double-byte charset of undeclared 8-bit text, when all of it decodes strictly and
    its characters are mostly the common ones of that script; else None. Hangul syllables lie
    inside GB2312's level-1 byte range: all-hangul text with words between spaces is Korean
    (Chinese puts no spaces between words)."""
    sample = data[:20000]
    if len(sample) == 20000:
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    runs = _HIGH_RUN.findall(sample)
    if sum(len(r) for r in runs) < 4:
        return None
    best, best_share = None, EAST_ASIAN_COMMON - 1e-9
    for charset, common in _EAST_ASIAN:
        try:
            text = sample.decode(charset)
        except UnicodeDecodeError:
            continue
        chars = [ch for ch in text if ord(ch) > 0x7F]
        share = sum(1 for ch in chars if common(ch)) / len(chars) if chars else 0.0
        if charset == "cp949" and share >= 0.95 and _HANGUL_WORDS.search(sample):
            return charset
        if share > best_share:
            best, best_share = charset, share
    return best


def _decode_western(data: bytes, cs: str) -> tuple[str, str, str | None]:
    if cs in _C1_LABELS and data.translate(None, _NOT_C1):
        try:
            return data.decode("cp1252"), "cp1252", None
        except UnicodeDecodeError:
            pass  # one of the five bytes windows-1252 leaves undefined: keep the label's reading
    return data.decode(cs, "replace"), cs, None


_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{2,40})""", re.IGNORECASE)


def html_meta_charset(data: bytes) -> str | None:
    """The charset an HTML part declares in its own <meta> when its MIME header declares none."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def to_bytes(value: str) -> bytes:
    """Raw bytes of a header string from the parser (8-bit kept as surrogate escapes)."""
    try:
        return value.encode("latin-1", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")
