"""Header values → clean text: RFC 2047 (including the broken kinds), ids, dates. Addresses and
display names are read in ``addresses``."""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

from .charsets import (
    CYRILLIC_CANDIDATES,
    CYRILLIC_SINGLE_BYTE,
    SHORT_SAMPLE,
    SUPERSETS,
    decode_bytes,
    normalize_charset,
    to_bytes,
)

# A reply's subject prefix, as the mail clients our customers use write it ("Re:", "AW:", "Ответ:",
# Outlook's counted "RE[2]:", a full-width colon).
REPLY_PREFIX = re.compile(r"^\s*(?:re|ha|aw|sv|vs|отв|ответ)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]", re.IGNORECASE)
# An encoded word; the last one of a value may have lost its "?=" (a header cut to a length),
# or its charset ("=??Q?...?=": the bytes are read as undeclared ones are).
# A Q word whose text holds a literal '?' (mailers that did not encode it: "Warum??="): taken
# up to a "?=" that ends a word, when the strict form does not match.
_ENCODED_WORD = re.compile(r"=\?([^?\s]{0,64})\?([bBqQ])\?([^?]*?)(?:\?=|(?=\s*$))"
                           r"|=\?([^?\s]{1,64})\?([qQ])\?([^\s?][^\s]*?)\?=(?=\s|$)")
# A whole encoded word as one unit of a phrase (what it encodes is never syntax: RFC 2047 §5).
WHOLE_WORD = r"=\?[^?\s]*\?[bBqQ]\?[^?]*\?="
_CLEAN_CUT = (None, "utf-8 cut inside a character")
FOLD_IN_WORD = re.compile(r"\r?\n[ \t]*")
_WS = re.compile(r"\s+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # kept out of subjects and names; tabs and line ends are white space
_BETWEEN_WORDS = re.compile(r"\s*")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_B64_CHUNK = re.compile(r"[A-Za-z0-9+/]+=*")
_NOT_B64 = re.compile(r"[^A-Za-z0-9+/=]")
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")


def decode_base64_chunks(text: str) -> bytes:
    """Base64 that may hold padding inside: two encoded chunks glued together (an encoded word
    of two, a body whose every line a script encoded on its own); each chunk is decoded on its
    own (one decoding stops at the first padding, or shifts every later byte)."""
    out = b""
    for chunk in _B64_CHUNK.findall(_NOT_B64.sub("", text)):
        cleaned = chunk.rstrip("=")
        cleaned = cleaned[: len(cleaned) - len(cleaned) % 4 if len(cleaned) % 4 == 1 else None]
        try:
            out += binascii.a2b_base64(cleaned + "=" * (-len(cleaned) % 4))
        except (binascii.Error, ValueError):
            return out
    return out


# White space between a Q escape's '=' and its digits: a fold there that a relay unfolded.
_SPLIT_ESCAPE = re.compile(r"=[ \t]+(?=[0-9A-Fa-f]{2})")


def _word_bytes(enc: str, payload: str) -> bytes:
    if enc in "bB":
        return decode_base64_chunks(payload)
    # A line fold inside a Q word is the mailer's, not the text's (a space the text means is "_");
    # so is white space between an escape's '=' and its digits: a fold there that a relay unfolded.
    raw = to_bytes(_SPLIT_ESCAPE.sub("=", FOLD_IN_WORD.sub("", payload)).replace("_", " "))
    return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _broken_base64(text: str) -> bool:
    """Whether a B word's text has padding inside a chunk that more text follows ("Andr=E9": a Q
    word labelled B): no base64 at all, so the word is kept as sent. Chunks glued with their
    padding ("YWI=YWI=") and a last chunk with its padding missing or doubled are base64. Text
    with no base64 letter at all ("----") encodes nothing: kept as sent too."""
    cleaned = _NOT_B64.sub("", text)
    if text.strip() and not cleaned.strip("="):
        return True
    chunks = _B64_CHUNK.findall(cleaned)
    return any("=" in chunk and len(chunk) % 4 for chunk in chunks[:-1])


_Q_CUT = re.compile(r"=[0-9A-Fa-f]?\Z")


def _cut_payload(enc: str, text: str) -> bool:
    """Whether an encoded word's text ends inside a Q escape ('=', '=C') or a base64 quantum."""
    if enc == "q":
        return bool(_Q_CUT.search(text))
    cleaned = _NOT_B64.sub("", text)
    return "=" not in cleaned and len(cleaned) % 4 != 0


_ASCII = bytes(range(128))
# Labels that say nothing about raw 8-bit header bytes.
_NO_FALLBACK = frozenset({"ascii", "us-ascii", "utf-8", "utf8"})


def raw_header_bytes(data: bytes, fallback: str | None) -> tuple[str, str, str | None]:
    """Raw (unencoded) header bytes as text: ASCII and valid UTF-8 as they are; a confident
    guess (Russian letter statistics, a double-byte script's common characters) next; and when
    the guess is only a weak one (Latin accents, a detector's last resort), the fallback
    charset when the bytes decode in it (a mailer writes raw headers in the charset of its
    text, and a charset label is often wrong about them: the message's text may be declared
    in another charset than its headers were written in)."""
    guess = decode_bytes(data, None)
    if data.isascii() or not fallback or fallback.strip().lower() in _NO_FALLBACK:
        return guess
    cs = normalize_charset(fallback)
    if guess[1] != "utf-8" and cs in CYRILLIC_SINGLE_BYTE and len(data.translate(None, _ASCII)) <= SHORT_SAMPLE:
        # A few 8-bit letters ("ТЗ.docx") are too few to guess from: the declared Cyrillic charset
        # first, kept unless another reads far better.
        return decode_bytes(data, cs)
    if guess[1] != "utf-8" and cs and cs not in _GENERIC_LABELS and cs not in CYRILLIC_SINGLE_BYTE:
        # A label that names a script (euc-jp, euc-kr, iso-8859-7, windows-1250...) is what the
        # mailer wrote its raw headers in, when the bytes decode in it: a guess on a few bytes
        # easily takes EUC-JP for GB18030 or Greek for Cyrillic.
        strict = _strict_decode(data, cs)
        if strict is not None:
            return strict
    if guess[1] == "utf-8" or (guess[1] in _CONFIDENT_GUESSES and not (guess[2] or "").startswith("undecodable")):
        return guess
    if cs == "latin-1":
        return decode_bytes(data, fallback)  # its 0x80-0x9f bytes are windows-1252's in real mail
    return _strict_decode(data, cs) or guess


def _strict_decode(data: bytes, cs: str | None) -> tuple[str, str, str | None] | None:
    """data in the charset or the superset mailers write under its label; None when neither decodes it."""
    for candidate in (cs, SUPERSETS.get(cs or "")):
        if candidate:
            try:
                return data.decode(candidate), candidate, None
            except (UnicodeDecodeError, LookupError):
                continue
    return None


# Labels a mailer puts on any text (its default), which say little about raw 8-bit header bytes.
_GENERIC_LABELS = frozenset({"latin-1", "cp1252", "iso8859-15", "ascii", "utf-8"})


# Guesses made on evidence (letter statistics, strict double-byte decoding with common characters).
_CONFIDENT_GUESSES = frozenset(CYRILLIC_CANDIDATES) | {"gb18030", "cp932", "big5", "cp949"}


def _reads_cleanly(data: bytes, charset: str) -> bool:
    text, _used, defect = decode_bytes(data, charset)
    return defect is None and not _CONTROLS.search(text)


def _split_text(enc: str, before: str, after: str, charset: str) -> bool:
    """Whether a word that ends inside an escape or a base64 quantum and the next one are one
    text split by the encoder; not when each reads cleanly alone and joined they do not (base64
    words written without their padding: "=?utf-8?B?JQ?= =?utf-8?B?JQ?=" is "%%")."""
    if enc != "b":
        return True
    alone = _reads_cleanly(_word_bytes(enc, before), charset) and _reads_cleanly(_word_bytes(enc, after), charset)
    return not alone or _reads_cleanly(_word_bytes(enc, before + after), charset)


def _glued_to_text(value: str, word: re.Match[str]) -> bool:
    """Whether an encoded word touches plain text with no white space between (another encoded
    word next to it is no plain text)."""
    before = value[: word.start()]
    after = value[word.end() :]
    left = bool(before) and not before[-1].isspace() and not before.endswith("?=")
    right = bool(after) and not after[0].isspace() and not after.startswith("=?")
    return left or right


def decode_header_text(value: str | None, defects: list[str] | None = None, *, keep_spaces: bool = False,
                       fallback: str | None = None) -> str:
    """Decode RFC 2047 words leniently and normalise whitespace (keep_spaces: only unfold
    lines, as file names and names made from a subject need). Never raises.

    Adjacent encoded words are joined as bytes before decoding, which repairs
    multi-byte characters split across words; raw 8-bit text is UTF-8 when it decodes as
    such (RFC 6532), else read in `fallback` (the charset the message's text declares, as
    mail clients do), else charset-guessed.
    """
    if not value:
        return ""
    runs: list[tuple[str | None, bytes]] = []  # (charset or None for literal text, bytes)
    pos = 0
    last_was_word = False
    last_word: tuple[str, str] = ("", "")  # (encoding, text) of the last encoded word
    word_start = 0  # where its bytes start in the last run
    for m in _ENCODED_WORD.finditer(value):
        label, enc, text = m.group(1, 2, 3) if m.group(1) is not None else m.group(4, 5, 6)
        charset = label.split("*", 1)[0]
        # A word kept as sent stays literal text, up to the next word (pos is not moved on).
        if enc in "bB" and _broken_base64(text):
            last_was_word = False
            continue
        data = _word_bytes(enc, text)
        if not m.group(0).endswith("?=") and (not data or decode_bytes(data, charset)[2] not in _CLEAN_CUT):
            break  # a cut word is decoded only when its bytes read cleanly: else it is kept as sent
        if _glued_to_text(value, m) and decode_bytes(data, charset)[2] is not None:
            # A word glued to plain text ("...?=foo=?...") breaks RFC 2047 §5 already; when its
            # bytes do not read cleanly either (half a character, the rest beyond the text) it
            # is no encoding of anything.
            last_was_word = False
            continue
        literal = value[pos : m.start()]
        if literal and not (last_was_word and not literal.strip()):
            runs.append((None, to_bytes(literal)))
        run_charset = runs[-1][0] if runs and last_was_word else None
        if run_charset is not None and run_charset.lower() == charset.lower():
            kept = runs[-1][1]
            if last_word[0] == enc.lower() and _cut_payload(*last_word) and _split_text(*last_word, text, charset):
                # the word before ended inside an escape or a base64 quantum: the encoder split
                # the text, not the bytes ("...=?= =?utf-8?Q?C3=A7..."); the two decode as one
                text = last_word[1] + text
                data = _word_bytes(enc, text)
                kept = kept[:word_start]
            word_start = len(kept)
            runs[-1] = (run_charset, kept + data)
        else:
            word_start = 0
            runs.append((charset, data))
        last_word = (enc.lower(), text)
        pos = m.end()
        last_was_word = True
    if pos < len(value):
        runs.append((None, to_bytes(value[pos:])))
    hint = next((cs for cs, _ in runs if cs), None)
    if not fallback or fallback.strip().lower() in _NO_FALLBACK:
        fallback = hint  # raw text beside encoded words is in the words' charset
    parts = []
    for charset, data in runs:
        text, _used, defect = decode_bytes(data, charset) if charset else raw_header_bytes(data, fallback)
        if defect and defects is not None:
            defects.append(f"header: {defect}")
        if charset is None and not data.isascii() and defects is not None and hint is None and not fallback:
            defects.append("header: raw 8-bit text")
        parts.append(text)
    if keep_spaces:
        # RFC 5322 §2.2.3: unfolding removes the line break only, the white space stays.
        return re.sub(r"\r?\n(?=[ \t])", "", "".join(parts))
    return _WS.sub(" ", _CONTROLS.sub("", "".join(parts))).strip()




def first_id(value: str | None) -> str | None:
    """A message id without angle brackets (the first one when several are given)."""
    ids = all_ids(value)
    return ids[0] if ids else None


def all_ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    found = _ANGLE_ID.findall(value)
    if found:
        return tuple(dict.fromkeys(found))
    tokens = [t.strip("<>,;") for t in value.split()]
    return tuple(dict.fromkeys(t for t in tokens if "@" in t))


def parse_date(value: str | None, defects: list[str] | None = None) -> tuple[datetime | None, int | None]:
    """Aware datetime and the sender's UTC offset in minutes (None when unknown)."""
    if not value:
        return None, None
    try:
        parts = parsedate_tz(_WS.sub(" ", value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        parts = None
    if parts is None:
        if defects is not None:
            defects.append("header: unparseable Date")
        return None, None
    offset_s = parts[9]
    # RFC 5322 §3.3: "-0000" means the zone is unknown, not UTC.
    if offset_s is not None and (abs(offset_s) > 14 * 3600 or re.search(r"-0000\b", value)):
        offset_s = None
    tz = timezone(timedelta(seconds=offset_s)) if offset_s is not None else UTC
    try:
        when = datetime(*parts[:6], tzinfo=tz).astimezone(UTC)  # type: ignore[misc]
    except (ValueError, OverflowError, TypeError):
        if defects is not None:
            defects.append("header: invalid Date")
        return None, None
    return when, (offset_s // 60 if offset_s is not None else None)
