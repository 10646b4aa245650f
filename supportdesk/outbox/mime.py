"""RFC 5322 / MIME bytes for our own outgoing mail, written directly (pure: no Django).

Why not ``email.message.EmailMessage``: its header registry re-parses and re-folds every
header we set, which costs ~2 ms per mail, more than the rest of an acknowledgment. Our
mail has one fixed shape — a text part, optionally an HTML alternative, optionally
attachments — so the bytes are written here with the stdlib's encoders (``binascii``
quoted-printable, ``base64``):

- headers: ASCII words stay as they are; a run of words that needs it (non-ASCII, "=?",
  control characters, over-long) becomes RFC 2047 ``B`` encoded-words of whole characters;
  lines are folded at spaces to at most 78 characters;
- bodies: UTF-8, quoted-printable, line ends normalised to CRLF, as ``set_content`` does;
- attachment names: quoted when plain ASCII and short, RFC 2231 (``filename*0*=``) otherwise.

``build_raw`` returns None for what it does not handle (CR/LF in a header value, non-ASCII
addresses, a malformed content type): the caller then uses the stdlib builder.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

MAX_LINE = 78
CRLF = "\r\n"
# An encoded-word holds at most this many bytes of UTF-8 (56 base64 characters): with
# "=?utf-8?b?" and "?=" it is 68 characters, so it fits after "Subject: " or a fold.
_WORD_BYTES = 42
_NEEDS_ENCODING = re.compile(r"[^\x20-\x7e]|=\?")
_TOKEN = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+$")
_ASCII_ADDRESS = re.compile(r"^[\x21-\x7e]+$")
_PLAIN_FILENAME = re.compile(r'^[\x20-\x7e]+$')


@dataclass(frozen=True)
class Part:
    """An attachment: ``content_type`` is "type/subtype" without parameters."""

    filename: str
    content_type: str
    content: bytes


class Unsupported(ValueError):
    """Input this writer does not handle; the caller falls back to the stdlib."""


def _encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 B encoded-words of whole characters. A word ends after a space
    where it can: the space is then inside it, as RFC 2047 wants, and parsers that wrongly
    put a space between adjacent encoded-words (the stdlib's, in display names) at worst
    double a space instead of splitting a word."""
    chunks: list[str] = []
    start, size, last_space = 0, 0, -1
    for i, char in enumerate(text):
        width = len(char.encode("utf-8"))
        if size + width > _WORD_BYTES:
            cut = last_space + 1 if last_space >= start else i
            chunks.append(text[start:cut])
            start, size = cut, len(text[cut:i].encode("utf-8"))
        size += width
        if char == " ":
            last_space = i
    chunks.append(text[start:])
    return ["=?utf-8?b?" + base64.b64encode(c.encode("utf-8")).decode("ascii") + "?=" for c in chunks]


def _word_needs_encoding(word: str) -> bool:
    return bool(_NEEDS_ENCODING.search(word)) or len(word) > MAX_LINE - 2


def unstructured_tokens(value: str) -> list[str]:
    """Space-separated tokens of an unstructured header value: the span from the first to
    the last word that needs encoding is encoded whole (whitespace between adjacent
    encoded-words is not part of the text, so the span's own spaces go inside)."""
    words = value.split(" ")
    flagged = [i for i, w in enumerate(words) if _word_needs_encoding(w)]
    if not flagged:
        return words
    first, last = flagged[0], flagged[-1]
    return [*words[:first], *_encoded_words(" ".join(words[first : last + 1])), *words[last + 1 :]]


def fold(name: str, tokens: Sequence[str]) -> str:
    """``Name: tok tok …`` folded at the spaces between tokens, lines ≤ 78 where possible."""
    lines: list[str] = []
    line = f"{name}:"
    first = True
    for token in tokens:
        if first:
            line += " " + token
            first = False
        elif not token or len(line) + 1 + len(token) <= MAX_LINE:
            line += " " + token  # an empty token (a double space) never starts a line
        else:
            lines.append(line)
            line = " " + token
    lines.append(line)
    return CRLF.join(lines)


def _check_value(value: str) -> None:
    if "\r" in value or "\n" in value:
        raise Unsupported("line break in a header value")


def unstructured(name: str, value: str) -> str:
    _check_value(value)
    return fold(name, unstructured_tokens(value))


def ascii_header(name: str, value: str) -> str:
    """Structured ASCII headers (ids, addresses, dates): folded at spaces, never encoded."""
    _check_value(value)
    if not value.isascii():
        raise Unsupported(f"non-ASCII {name}")
    return fold(name, value.split(" "))


def _address(addr: str) -> str:
    if not _ASCII_ADDRESS.match(addr) or "@" not in addr:
        raise Unsupported("address this writer does not handle")
    return addr


def address_header(name: str, display_name: str, addr: str) -> str:
    """``Name <addr>``: an ASCII name quoted when it has specials, otherwise encoded-words."""
    _check_value(display_name)
    _address(addr)
    if not display_name:
        return f"{name}: {addr}"
    if display_name.isascii() and not _NEEDS_ENCODING.search(display_name):
        from email.utils import formataddr

        line = f"{name}: {formataddr((display_name, addr))}"
        if len(line) > MAX_LINE:
            raise Unsupported("long ASCII display name")
        return line
    return fold(name, [*_encoded_words(display_name), f"<{addr}>"])


def _qp(text: str) -> str:
    # As EmailMessage.set_content: lines split like bytes.splitlines(), "\n"-joined, a final
    # newline; then quoted-printable (76-character lines) and CRLF line ends.
    data = b"\n".join(text.encode("utf-8").splitlines()) + b"\n"
    return binascii.b2a_qp(data).decode("ascii").replace("\n", CRLF)


def _text_part(subtype: str, text: str) -> str:
    return (f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}{_qp(text)}")


def _filename_param(filename: str) -> str:
    """``; filename=…`` continuing the Content-Disposition line, folded."""
    plain = f' filename="{filename}"'
    if (_PLAIN_FILENAME.match(filename) and '"' not in filename and "\\" not in filename
            and len("Content-Disposition: attachment;") + len(plain) <= MAX_LINE):
        return ";" + plain
    encoded = "utf-8''" + quote(filename, safe="", encoding="utf-8")
    if len(" filename*=") + len(encoded) + 1 <= MAX_LINE:
        return f";{CRLF} filename*={encoded}"
    pieces: list[str] = []
    room = MAX_LINE - len(" filename*99*=;")
    rest = encoded
    while rest:
        cut = min(room, len(rest))
        # Never split a %XX escape.
        pct = rest.rfind("%", max(0, cut - 2), cut)
        if pct != -1 and pct + 3 > cut:
            cut = pct
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return "".join(f";{CRLF} filename*{i}*={piece}" for i, piece in enumerate(pieces))


def _attachment_part(part: Part) -> str:
    maintype, _, subtype = (part.content_type or "application/octet-stream").partition("/")
    subtype = subtype or "octet-stream"
    if not _TOKEN.match(maintype) or not _TOKEN.match(subtype):
        raise Unsupported("content type with parameters or odd characters")
    _check_value(part.filename)
    body = base64.encodebytes(part.content).decode("ascii").replace("\n", CRLF)
    return (f"Content-Type: {maintype}/{subtype}{CRLF}Content-Transfer-Encoding: base64{CRLF}"
            f"Content-Disposition: attachment{_filename_param(part.filename)}{CRLF}{CRLF}{body}")


def _boundary() -> str:
    # "=_" never occurs in quoted-printable or base64 text, so no body can contain it.
    return f"=_sd_{secrets.token_hex(12)}"


def _multipart(subtype: str, parts: Sequence[str]) -> tuple[str, str]:
    """(Content-Type header, body) of a multipart entity."""
    boundary = _boundary()
    body = "".join(f"--{boundary}{CRLF}{p}{CRLF}" for p in parts) + f"--{boundary}--{CRLF}"
    return f'Content-Type: multipart/{subtype};{CRLF} boundary="{boundary}"', body


def build_raw(*, headers: Sequence[str], text: str, html: str | None, language: str,
              attachments: Sequence[Part] = ()) -> bytes | None:
    """The whole message: ``headers`` are already folded lines (without the MIME ones)."""
    try:
        if not _TOKEN.match(language or "x"):
            raise Unsupported("odd language tag")
        body_parts = [_text_part("plain", text)]
        if html:
            content_type, body = _multipart("alternative", [*body_parts, _text_part("html", html)])
            entity = f"{content_type}{CRLF}"
        else:
            head, _, body = body_parts[0].partition(CRLF + CRLF)
            entity = head + CRLF
        if attachments:
            inner = entity + CRLF + body
            content_type, body = _multipart("mixed", [inner, *(_attachment_part(a) for a in attachments)])
            entity = f"{content_type}{CRLF}"
    except Unsupported:
        return None
    head = CRLF.join(headers)
    return f"{head}{CRLF}MIME-Version: 1.0{CRLF}{entity}Content-Language: {language}{CRLF}{CRLF}{body}".encode(
        "ascii")
