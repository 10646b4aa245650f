"""MIME leaf parts: body-or-attachment decision, attachment names in any encoding."""

from __future__ import annotations

import binascii
import mimetypes
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from email.generator import BytesGenerator
from email.message import Message
from email.policy import compat32
from io import BytesIO
from urllib.parse import unquote, unquote_to_bytes

from .addresses import parse_addresses
from .charsets import decode_bytes, nfc, normalize_charset, to_bytes
from .headers import decode_base64_chunks, decode_header_text, parse_date, raw_header_bytes
from .model import ParsedAttachment

_EXTENSIONS = {
    "text/plain": ".txt", "text/html": ".html", "text/xml": ".xml", "application/xml": ".xml",
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf",
    "message/rfc822": ".eml", "message/delivery-status": ".txt", "text/rfc822-headers": ".txt",
    "message/disposition-notification": ".txt", "application/pkcs7-signature": ".p7s",
    "application/pgp-signature": ".asc", "text/calendar": ".ics", "application/zip": ".zip",
    # Types mailers and phones send that are no registered names (the extension they mean).
    "image/jpg": ".jpg", "image/pjpeg": ".jpg", "image/x-png": ".png", "application/x-pdf": ".pdf",
    "application/x-zip-compressed": ".zip", "application/x-rar-compressed": ".rar", "audio/mp3": ".mp3",
}


def disposition(part: Message) -> str:
    value = part.get("content-disposition")
    if not value:
        return ""
    return str(value).split(";", 1)[0].strip().lower()


def _name_values(part: Message, name: str, header: str) -> list[str | tuple[str, str, str]]:
    """Every `name` parameter of the header, RFC 2231 ones (name*=, name*0*=) first: a client
    that sends both means the extended one, the plain one being its ASCII stand-in."""
    params = header_params(part, header)
    values = [v for k, v in params if k.strip().lower() == name and v]
    if len(values) > 1 and not any(isinstance(v, tuple) for v in values):
        # sections without a charset ("name*0=foo; name*1=bar") join to a plain string, which
        # the parser lists after every plain parameter: the sections' name is the last one
        raw = " ".join(str(v) for v in part.get_all(header) or [])
        if re.search(rf"(?:^|[;\s]){re.escape(name)}\*\d", raw, re.IGNORECASE):
            return values[::-1]
    return sorted(values, key=lambda v: not isinstance(v, tuple))


def header_params(part: Message, header: str) -> list[tuple[str, str | tuple[str, str, str]]]:
    """The header's parameters as Python's email decodes them (RFC 2231 values as (charset,
    language, text) triples), for headers it reads badly too: a header whose type was left
    out ("Content-Disposition: filename*=utf-8''...": the parser takes the first parameter
    for the type and never decodes it), and one that gives a parameter whole and in numbered
    sections at once (name*= beside name*0*=: ``repair_parameter_sections`` keeps the whole one
    before the parser sees the message; a header still unreadable gives no parameters). The
    type itself is not among the pairs returned."""
    values = part.get_all(header) or []
    if len(values) > 1:
        # The header given twice (a gateway's added above the sender's): the parameters of each, in order.
        out: list[tuple[str, str | tuple[str, str, str]]] = []
        for value in values:
            probe = type(part)(policy=part.policy)
            probe[header] = value
            out += header_params(probe, header)
        return out
    if not values:
        return []
    text = str(values[0])
    probe = part
    if "=" in text.split(";", 1)[0]:
        text = "x; " + text  # a stand-in type, so the first parameter is decoded like the rest
        probe = type(part)(policy=part.policy)  # the part's policy: raw 8-bit values stay as they are
        probe[header] = text
    try:
        params: list[tuple[str, str | tuple[str, str, str]]] = list(probe.get_params(header=header) or [])
    except Exception:  # noqa: BLE001 - malformed parameters are the sender's fault
        return []
    return params[1:]


_RUNAWAY_PARAMS = re.compile(r'"?[ \t]*;[ \t\r\n]*(?:size|(?:creation|modification|read)-date|filename|name|charset|'
                             r'format|x-[a-z-]+)\*?[0-9]*\*?[ \t]*=.*$', re.IGNORECASE | re.DOTALL)


def _decode_name(value: str | tuple[str, str, str], defects: list[str], fallback: str | None = None) -> str:
    if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded latin-1)
        charset, lang, text = value
        text = str(text)
        if not charset and text.startswith("'") and normalize_charset(lang):
            # filename*='utf-8''%E3...: a quote too many before the charset, which then reads as
            # the language and the value starts with the quote
            charset, text = lang, text[1:]
        if len(text) > 1 and text[0] == text[-1] == '"':
            text = text[1:-1]  # filename*=utf-8''"%D0%9E.pdf": quotes after the charset, not the name's
        data = to_bytes(text)
        decoded, _cs, defect = decode_bytes(data, charset) if charset else raw_header_bytes(data, fallback)
        if "=?" in decoded:  # an RFC 2047 word inside the RFC 2231 value: two encodings, both undone
            decoded = decode_header_text(decoded, defects, keep_spaces=True, fallback=fallback)
    else:
        text = unquote_name(str(value))
        if "=?" in text:
            decoded, defect = decode_header_text(text, defects, keep_spaces=True, fallback=fallback), None
        elif (extended := _UNMARKED_EXTENDED.match(text)) and normalize_charset(extended.group(1)):
            # filename="utf-8''%D0%9E.pdf": an RFC 2231 value whose '*' the mailer left out
            data = unquote_to_bytes(to_bytes(extended.group(2)))
            decoded, _cs, defect = decode_bytes(data, extended.group(1))
        elif _PERCENT_8BIT.search(text) and text.isascii() and (unescaped := _utf8_unquote(text)):
            decoded, defect = unescaped, None
        else:
            decoded, _cs, defect = raw_header_bytes(to_bytes(text), fallback)
    if defect:
        defects.append("filename: " + defect)
    return clean_filename(decoded)


# charset'language'percent-escaped text, in a parameter not marked extended.
_UNMARKED_EXTENDED = re.compile(r"^([A-Za-z][A-Za-z0-9_.:-]{1,39})'[A-Za-z-]{0,20}'([^'\s]*%[0-9A-Fa-f]{2}[^'\s]*)$")
# A percent escape of an 8-bit byte: a name written URL-encoded (rawurlencode) in a plain parameter.
_PERCENT_8BIT = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")


def _utf8_unquote(text: str) -> str | None:
    """A plain name parameter sent percent-encoded ("%D0%9E%D1%82.pdf", as web applications
    write it, and as browsers read it): its UTF-8 text; None when the escapes are no UTF-8
    (the name then stays as written, "%" being a valid character of a file name)."""
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        return None


# 'name="a.pdf" (scanned)': an RFC 2045 comment after the quoted value.
_TRAILING_COMMENT = re.compile(r'^"([^"]*)"[ \t]*(?:\([^()]*\)[ \t]*)+$')


def unquote_name(value: str) -> str:
    """A name parameter's text as the sender quoted it: white space inside the quotes kept
    (" a.pdf " is a name of its own), single quotes around a whole name taken as quotes
    (name='my file.pdf', which some mailers write), as is a second pair of double quotes
    (filename=""a.pdf""), the rest of a quote never closed
    ('filename="a.pdf; size=1234') cut at the parameters that follow it."""
    commented = _TRAILING_COMMENT.match(value)
    if commented:
        return commented.group(1)
    text = _RUNAWAY_PARAMS.sub("", value)
    if text != value:
        return text.strip().strip('"')
    for quote in "'\"":
        # name='my file.pdf', and filename=""a.pdf"" (a mailer quoting a quoted name): quotes
        # around the whole name are no part of it (a '"' is not allowed in a Windows file name)
        if len(text) > 1 and text[0] == text[-1] == quote and quote not in text[1:-1]:
            return text[1:-1]
    return text


def decode_filename(part: Message, defects: list[str] | None = None, fallback: str | None = None) -> str | None:
    """The attachment name from RFC 2231, RFC 2047 (even quoted) or raw 8-bit parameters:
    Content-Disposition's filename first, then Content-Type's name (then each other's, where
    mailers put them too); a candidate that decodes
    without a defect beats one that needed guessing, and a name whose letters a mailer
    replaced by '?' (it could not encode them) gives way to a candidate that kept them, as an
    all-ASCII name does to a non-ASCII one of the same type elsewhere (filename="Otchet.pdf" or
    "_____.pdf" beside name*=utf-8''%D0%9E...pdf: the ASCII one is the stand-in for old
    clients). Raw 8-bit names are read in the part's own charset label, else `fallback`."""
    guessed = None
    placeholder = None
    ascii_name = None
    charset = (_part_charset(part) or fallback) if fallback else None  # no fallback: an all-ASCII message
    for name, header in _NAME_PLACES:
        for value in _name_values(part, name, header):
            found: list[str] = []
            cleaned = _decode_name(value, found, charset)
            if cleaned and not found and not _PLACEHOLDER.search(cleaned):
                if ascii_name is None and not cleaned.isascii():
                    return cleaned
                if ascii_name is None:
                    ascii_name = cleaned
                elif not cleaned.isascii() and _extension_of(cleaned) == _extension_of(ascii_name):
                    return cleaned
                continue
            if cleaned and not found:
                placeholder = placeholder or cleaned
            elif cleaned and guessed is None:
                guessed = cleaned
                if defects is not None:
                    defects.extend(found)
    if ascii_name is not None:
        return ascii_name
    if placeholder is not None and (guessed is None or _PLACEHOLDER.search(guessed)):
        return placeholder
    return guessed


def _extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


# Where a name is: the two places RFC 2183 and RFC 2046 give it, then the two a mailer swaps them
# into ("Content-Type: ...; filename=", "Content-Disposition: ...; name=").
_NAME_PLACES = (("filename", "content-disposition"), ("name", "content-type"), ("name", "content-disposition"),
                ("filename", "content-type"))


def _part_charset(part: Message) -> str | None:
    try:
        label = part.get_param("charset")
    except Exception:  # noqa: BLE001
        return None
    return label if isinstance(label, str) and label.strip() else None


# "??????.pdf", "Отчет ?? май.doc": letters a mailer could not write in its charset. A '?'
# is not allowed in a Windows file name, so a real name rarely holds one.
_PLACEHOLDER = re.compile(r"\?")


# Folded header lines inside a quoted name, control characters and path separators go; the
# rest (double spaces, quotes, colons) is kept exactly: names are only ever shown and sent
# back in a Content-Disposition header, never used as a path.
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]+")
# Line ends and a C string's NUL terminator (or padding) around a name: no part of it.
_EDGE_LINE_ENDS = re.compile(r"^[\r\n\x00]+|[\r\n\x00]+$")
# The longest name a file system keeps (255 characters on NTFS, ext4 and APFS), which is also
# what an attachment row holds.
MAX_NAME = 255


# A path a mailer sent with the name (RFC 2183 §2.3: a recipient does not honour it): a
# backslash (never inside a Windows file name), a drive, a leading slash or home, a '.' or '..'
# component. A slash between words ("Rechnung 01/2014.pdf", "Q1/Q2 plan.xlsx") is the name's own.
_PATH = re.compile(r"\\|^(?:[A-Za-z]:|~)?/|(?:^|/)\.{1,2}(?:/|$)")


def clean_filename(name: str) -> str:
    """No directory of a path, no control characters or U+FFFD, never '.' or '..'. Spaces are
    kept where the sender put them, leading and trailing ones too (a quoted " a.pdf " is that
    name): callers strip what is only the header's white space."""
    # A tab is a fold's white space (mailers fold a long quoted name with "\n\t"): a space.
    name = nfc(_FOLD.sub("", name).replace("\ufffd", "").replace("\t", " "))
    if _PATH.search(name):
        last = name.replace("\\", "/").rsplit("/", 1)[-1]
        # 'du"ck\\.txt' (a backslash the sender typed, its quoted pair kept): the path's last
        # part would be only an extension; the name is no Windows path, it stays whole.
        name = name if "/" not in name and last.startswith(".") and last.count(".") == 1 else last
    name = _CONTROL_CHARS.sub("_", _EDGE_LINE_ENDS.sub("", name))
    if name.strip(". ") == "":
        return ""
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = stem[: MAX_NAME - 1 - len(ext)] + dot + ext if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name


# "<image001.jpg@01D0...>": Outlook names inline images after their file in the Content-ID.
_CID_FILENAME = re.compile(r"^([\w.-]{1,100}\.[A-Za-z][A-Za-z0-9]{1,4})@")


def is_body_part(part: Message) -> bool:
    """Inline text/plain or text/html without a file name is body text."""
    if part.get_content_type() not in ("text/plain", "text/html"):
        return False
    if disposition(part) == "attachment":
        return False
    return decode_filename(part) is None


def message_bytes(msg: Message) -> bytes:
    buf = BytesIO()
    try:
        BytesGenerator(buf, mangle_from_=False, policy=compat32).flatten(msg)
    except Exception:  # noqa: BLE001 - keep whatever the generator managed to write
        return buf.getvalue()
    return buf.getvalue()


def raw_payload(part: Message) -> object:
    """A leaf part's body as the parser kept it (still transfer-encoded). Python's email reads
    a body holding 8-bit bytes through the part's charset label, and fails on a label that
    holds an 8-bit byte itself (charset=utf\xd58), or on a header it cannot read (name*= beside
    name*0*=): the text is then taken as it was kept."""
    try:
        return part.get_payload()
    except Exception:  # noqa: BLE001 - the sender's malformed header
        return part._payload  # type: ignore[attr-defined]  # noqa: SLF001 - what get_payload() would return undecoded


_B64_LINE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def split_base64(body: str) -> tuple[str, str] | None:
    """(the base64 lines, the text after them) when a base64 body is followed by lines of
    words (a footer a list server or virus scanner appended); None when it is not."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not _B64_LINE.match(stripped):
            rest = "\n".join(lines[i:])
            if i and any(c.isspace() for c in rest.strip()):
                return "\n".join(lines[:i]), rest
            return None
    return None


def payload_bytes(part: Message) -> bytes:
    """The decoded body of a leaf part; raises what the parser's decoding raises. Text after
    the end of base64 data is not decoded as base64: a text part keeps it as text, a file
    does not get garbage appended."""
    raw = raw_payload(part)
    declared = part.get("content-transfer-encoding")
    cte = str(declared or "").strip().lower()
    text = part.get_content_maintype() == "text"
    if isinstance(raw, str) and (declared is None or (cte in _IDENTITY and text)):
        undeclared = undeclared_encoding(raw, text=text)
        if undeclared is not None:
            return undeclared
    if isinstance(raw, str) and cte == "base64":
        split = split_base64(raw)
        if split is not None:
            lines, rest = split
            decoded = decode_base64_chunks(lines)
            if text:
                decoded += b"\n" + to_bytes(rest.strip("\r\n")) + b"\n"
            return decoded
        if "=" in raw.rstrip("= \t\r\n"):  # padding before more data: chunks glued together
            return decode_base64_chunks(raw)
    if isinstance(raw, str) and "=" in raw and cte == "quoted-printable" and _QP_ODD.search(raw):
        return decode_qp(_kept_bytes(part, raw))
    decoded_payload = part.get_payload(decode=True)
    return decoded_payload if isinstance(decoded_payload, bytes) else b""


def _kept_bytes(part: Message, raw: str) -> bytes:
    """The body's bytes as they came: Python's email keeps 8-bit bytes as surrogate escapes and
    hands them out read through the charset label (raw 8-bit UTF-8 in a quoted-printable part
    is no ASCII); a message parsed from text holds real characters, taken as UTF-8."""
    kept = getattr(part, "_payload", raw)
    if not isinstance(kept, str):
        kept = raw
    try:
        return kept.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return kept.encode("utf-8", "surrogateescape")


# What the C decoder (binascii.a2b_qp) reads wrongly: white space a transport added after a soft
# line break's '=' (RFC 2045 §6.7: no text), and an '=' that starts no escape ("a == b", a
# "=====" line, "=ZZ"), which it halves or drops instead of keeping.
_QP_ODD = re.compile(r"=(?:[ \t]+\r?\n|(?![0-9A-Fa-f]{2}|\r?\n|\Z))")
_QP_TOKEN = re.compile(rb"=(?:([0-9A-Fa-f]{2})|[ \t]*(?:\r?\n|\Z))")


def decode_qp(data: bytes) -> bytes:
    """Quoted-printable as RFC 2045 §6.7 asks a robust decoder: '=XX' is a byte, '=' before a
    line end (white space between allowed) a soft line break, any other '=' itself."""
    return _QP_TOKEN.sub(lambda m: bytes.fromhex(m.group(1).decode("ascii")) if m.group(1) else b"", data)


_IDENTITY = frozenset({"", "7bit", "8bit", "binary"})
# An encoder's base64: lines of one width (RFC 2045 asks for at most 76), then a shorter last one.
_B64_FULL_LINE = re.compile(r"^[A-Za-z0-9+/]{60,76}$")
_QP_8BIT = re.compile(r"=[89A-F][0-9A-F]")
_QP_NOT_ESCAPE = re.compile(r"=(?![0-9A-F]{2}|[ \t]*\r?$)", re.MULTILINE)
_QP_MIN_ESCAPES = 4
_TEXT_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _encoder_base64(lines: list[str]) -> bool:
    body, last = lines[:-1], lines[-1] if lines else ""
    return (len(lines) >= 2 and all(_B64_FULL_LINE.match(ln) for ln in body) and len({len(ln) for ln in body}) == 1
            and bool(_B64_LINE.match(last)) and len(last) <= len(body[0]) and not sum(map(len, lines)) % 4)


def undeclared_encoding(raw: str, *, text: bool) -> bytes | None:
    """The body of a part encoded without saying so (home-made scripts base64-encode a body
    and leave out Content-Transfer-Encoding; gateways that rewrap a part drop the header):
    lines of an encoder's base64 of one width, or (text) quoted-printable whose every '=' is
    an escape or a soft line break, with escapes of 8-bit bytes. None when the body reads
    as what it says it is, and for text whose base64 decodes to anything but text."""
    if not raw.isascii():
        return None
    lines = raw.strip().splitlines()
    if _encoder_base64(lines):
        data = binascii.a2b_base64("".join(lines))
        return data if not text or (data and len(data.translate(None, _TEXT_CONTROLS)) == len(data)) else None
    if text and len(_QP_8BIT.findall(raw)) >= _QP_MIN_ESCAPES and not _QP_NOT_ESCAPE.search(raw):
        return binascii.a2b_qp(raw.encode("ascii"))
    return None


def _payload(part: Message) -> bytes:
    if part.is_multipart():
        # message/delivery-status and similar: the body as it was, without the part headers.
        blocks = [c for c in part.get_payload() if isinstance(c, Message)]  # type: ignore[union-attr]
        return b"\n".join(message_bytes(b) for b in blocks)
    try:
        data: bytes | None = payload_bytes(part)
    except Exception:  # noqa: BLE001
        data = None
    if data is not None:
        return data
    raw = raw_payload(part)
    return to_bytes(raw) if isinstance(raw, str) else b""


def attachment_from_part(
    part: Message,
    defects: list[str],
    *,
    content: bytes | None = None,
    default_name: str | None = None,
    fallback: str | None = None,
) -> ParsedAttachment:
    """A part as a file. A part without a name of its own is named, in this order, after the
    file its Content-ID names (Outlook's inline images), default_name (an attached message's
    subject), its Content-Description (RFC 2045 §8: old mailers put the file name there,
    MTAs a title such as "Delivery report"), or its type ("image.png")."""
    ctype = part.get_content_type()
    name = decode_filename(part, defects, fallback)
    generated = False
    if name is None:
        cid = _CID_FILENAME.match(str(part.get("content-id", "")).strip().strip("<>"))
        location = location_filename(part.get("content-location"))
        uuencoded = uuencoded_part_name(part)
        if uuencoded:
            name = uuencoded
        elif location:
            name = location
        elif cid:
            name = cid.group(1)
        elif default_name:
            name = default_name
        else:
            name, generated = described_name(part.get("content-description"), ctype, fallback)
    return _attachment(part, name, ctype, content, generated)


_HAS_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_LOCATION_FILE = re.compile(r"([^/\\?#]{1,200}\.[A-Za-z][A-Za-z0-9]{1,4})(?:[?#][^/]*)?$")


def location_filename(location: str | None) -> str | None:
    """The file a Content-Location names (RFC 2557: MHTML and Apple Mail's inline parts carry
    their name there, "image.png" or a URL ending in one), percent-decoded; None when the
    location names no file."""
    if not location:
        return None
    text = "".join(str(location).split())  # RFC 2557 §4.4: folded, white space removed
    m = _LOCATION_FILE.search(text)
    if not m:
        return None
    raw = m.group(1)
    try:
        raw = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        pass  # not UTF-8 percent-escapes: the name as written
    return clean_filename(raw) or None
_MAX_DESCRIPTION = 120


def described_name(description: str | None, ctype: str, fallback: str | None = None) -> tuple[str, bool]:
    """(name, made up?) for an unnamed part from its Content-Description: the description
    itself when it is a file name, else the description with the type's extension; the
    type's generic name when there is no usable description."""
    text = clean_filename(decode_header_text(str(description), fallback=fallback)) if description else ""
    if not text or len(text) > _MAX_DESCRIPTION:
        return generated_name(ctype), True
    if _HAS_EXTENSION.search(text) and " " not in text.rsplit(".", 1)[-1]:
        return text, False
    return text + _extension(ctype), True


def subject_filename(subject: str) -> str:
    """The name clients give an attached message: its subject (exactly, path separators
    and repeated spaces included: the name is only shown) and ".eml"."""
    name = _CONTROL_CHARS.sub(" ", subject.replace("\ufffd", "")).strip()
    name = name[: MAX_NAME - len(".eml")]
    return name + ".eml" if name.strip(". ") else ""


# The stem of a made-up name says what the part is; reports and other text keep their own
# kind ("delivery-status.txt", "calendar.ics").
_STEMS = {"message/rfc822": "message", "image": "image", "video": "video", "audio": "audio", "application": "attachment",
          "text/plain": "document", "text/html": "document"}


def generated_name(ctype: str) -> str:
    """A name for a part that has none: its kind and its type's real extension."""
    major, _slash, minor = ctype.partition("/")
    stem = _STEMS.get(ctype) or _STEMS.get(major) or minor or "attachment"
    return stem + _extension(ctype)


def _extension(ctype: str) -> str:
    text = ".txt" if ctype.startswith("text/") else ".bin"  # an unknown text type is still text
    return _EXTENSIONS.get(ctype) or mimetypes.guess_extension(ctype) or text


def unique_generated_names(attachments: Sequence[ParsedAttachment]) -> list[ParsedAttachment]:
    """Made-up names numbered where they repeat a name already taken ("video.mov",
    "video1.mov"): an agent must tell the parts apart. Real names are kept exactly, repeats
    included."""
    taken = {a.filename for a in attachments if not a.name_generated}
    out = []
    for a in attachments:
        if a.name_generated:
            stem, dot, ext = a.filename.rpartition(".")
            stem, dot = (stem, dot) if dot else (ext, "")
            ext = ext if dot else ""
            name, n = a.filename, 0
            while name in taken:
                n += 1
                name = f"{stem}{n}{dot}{ext}"
            taken.add(name)
            if name != a.filename:
                a = replace(a, filename=name)
        out.append(a)
    return out


# RFC 2045's type/subtype: tokens of printable ASCII without tspecials.
_MEDIA_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")


def _media_type(ctype: str, name: str) -> str:
    """The part's type as declared when it is one; a mangled one ("text\udcf8/html", 8-bit
    bytes in the header) is no type: the name's, else application/octet-stream."""
    if _MEDIA_TYPE.match(ctype):
        return ctype
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def _attachment(part: Message, name: str, ctype: str, content: bytes | None,
                generated: bool = False) -> ParsedAttachment:
    cid = part.get("content-id")
    content_id = _CONTROL_CHARS.sub("", to_bytes(str(cid)).decode("utf-8", "replace")).strip().strip("<>").strip() or None if cid else None
    ctype = _media_type(ctype, name)
    how = disposition(part)
    return ParsedAttachment(
        filename=name,
        content_type=ctype,
        content=_payload(part) if content is None else content,
        content_id=content_id,
        is_inline=how == "inline" or (not how and content_id is not None),
        name_generated=generated,
    )


def forwarded_text(headers: Mapping[str, Sequence[str]], body: str) -> str:
    """A forwarded message/rfc822 rendered the way clients quote an inline forward."""
    lines = ["-------- Forwarded message --------"]
    sender = parse_addresses(list(headers.get("from", [])))
    if sender:
        name, addr = sender[0]
        lines.append(f"From: {name} <{addr}>" if name else f"From: {addr}")
    date_value = headers.get("date", [None])[0]
    when, _offset = parse_date(date_value)
    if when is not None and date_value:
        lines.append("Date: " + " ".join(date_value.split()))
    subject = headers.get("subject")
    if subject:
        lines.append("Subject: " + decode_header_text(subject[0]))
    return "\n".join(lines) + "\n\n" + body.strip("\n")


# uuencode (POSIX uuencode(1)) pasted into a plain-text body, as old mailers, scripts and
# mail-to-news gateways send files: "begin 644 name", lines of 4-character groups, "`", "end".
# "begin-base64 644 name" … "====" is `uuencode -m` (POSIX): the same block in base64.
_UU_BEGIN = re.compile(r"^begin(-base64)?[ \t]+[0-7]{3,4}[ \t]+(\S[^\r\n]*?)[ \t]*\r?$", re.MULTILINE)
_UU_END = re.compile(r"^end[ \t]*\r?$", re.MULTILINE)
_UU_B64_END = re.compile(r"^====[ \t]*\r?$", re.MULTILINE)
_UU_B64_BODY = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_UU_LINE = re.compile(r"^[\x20-\x60]{1,100}$")


def _uudecode(lines: list[str]) -> bytes | None:
    out = bytearray()
    for line in lines:
        line = line.rstrip("\r\n")
        if not line:
            continue
        if not _UU_LINE.match(line):
            return None
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # Trailing garbage (padding some encoders add): decode the bytes the count allows.
            count = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(line[:count])
            except binascii.Error:
                return None
    return bytes(out)


def _b64_block(block: str) -> bytes | None:
    if not _UU_B64_BODY.match(block):
        return None
    try:
        return binascii.a2b_base64("".join(block.split()))
    except binascii.Error:
        return None


def split_uuencoded(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The text without its uuencoded blocks, and each block's (file name, content). A block
    that does not decode stays in the text."""
    if "begin" not in text:
        return text, []
    files: list[tuple[str, bytes]] = []
    kept: list[str] = []
    pos = 0
    for begin in _UU_BEGIN.finditer(text):
        if begin.start() < pos:
            continue
        end = (_UU_B64_END if begin.group(1) else _UU_END).search(text, begin.end())
        if end is None:
            continue
        block = text[begin.end() : end.start()]
        data = _uudecode(block.split("\n")) if not begin.group(1) else _b64_block(block)
        name = clean_filename(begin.group(2))
        if data is None or not name:
            continue
        files.append((name, data))
        kept.append(text[pos : begin.start()])
        pos = end.end()
    if not files:
        return text, []
    kept.append(text[pos:])
    return "".join(kept), files


_UU_CTE = frozenset({"x-uuencode", "uuencode", "x-uue", "uue"})


def uuencoded_part_name(part: Message) -> str | None:
    """The file name on the "begin 644 name" line of a part sent Content-Transfer-Encoding:
    x-uuencode (the part's headers often name no file: the name travels inside the data)."""
    if str(part.get("content-transfer-encoding", "")).strip().lower() not in _UU_CTE:
        return None
    raw = raw_payload(part)
    if not isinstance(raw, str):
        return None
    begin = _UU_BEGIN.search(raw[:4096])
    if begin is None or begin.group(1):
        return None
    text, _cs, _defect = decode_bytes(to_bytes(begin.group(2)))
    return clean_filename(text) or None


def uuencoded_attachment(name: str, content: bytes) -> ParsedAttachment:
    ctype = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    return ParsedAttachment(filename=name, content_type=ctype, content=content)


# Outlook's "winmail.dat" (application/ms-tnef): the files inside it, which no other client
# can open, become attachments of their own; winmail.dat itself is kept as it was sent.
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


def is_tnef(attachment: ParsedAttachment) -> bool:
    return attachment.content_type in _TNEF_TYPES or attachment.filename.lower() == "winmail.dat"


def _tnef_text(value: object, codepage: str | None) -> str:
    if isinstance(value, str):
        return clean_filename(value.strip("\x00")).strip()
    if isinstance(value, bytes):
        text, _cs, _defect = decode_bytes(value.strip(b"\x00"), codepage)
        return clean_filename(text).strip()
    return ""


def tnef_files(data: bytes, defects: list[str]) -> list[ParsedAttachment]:
    """The files inside a TNEF stream (empty when it is not one or holds none)."""
    from tnefparse import TNEF  # noqa: PLC0415 - imported only for the rare winmail.dat
    from tnefparse.properties import MAPI_ATTACH_LONG_FILENAME  # noqa: PLC0415

    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception:  # noqa: BLE001 - a broken winmail.dat stays a file as it is
        defects.append("attachment: unreadable winmail.dat")
        return []
    files = []
    for att in tnef.attachments:
        codepage = att.codepage if isinstance(att.codepage, str) else None  # "cp1251", from attOemCodepage
        long_names = [a.data for a in att.mapi_attrs if a.name == MAPI_ATTACH_LONG_FILENAME]
        name = _tnef_text(long_names[0], codepage) if long_names else ""
        name = name or _tnef_text(att._name, codepage)  # noqa: SLF001 - raw bytes: the library decodes them as UTF-8
        content = att.data if isinstance(att.data, bytes) else b""
        if not name and not content:
            continue
        name = name or "attachment.bin"
        ctype = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
        files.append(ParsedAttachment(filename=name, content_type=ctype, content=content))
    return files
