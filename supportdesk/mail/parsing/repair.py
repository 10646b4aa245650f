"""Header damage repaired before the MIME parser sees a message (pure, bytes in and out).

Real mail arrives with a stray line above the header fields (a gateway's banner, a subject
written twice, an mbox fragment) or with folded header lines that lost their leading white
space. Python's parser takes either for the start of the body, and the sender, the subject
and the MIME structure are lost. Only the header block is looked at: everything from the
first empty line on is passed through untouched.
"""

from __future__ import annotations

import re
from email.message import Message

_FIELD = re.compile(rb"^[A-Za-z0-9][A-Za-z0-9_-]*[ \t]*:")
_MBOX_FROM = re.compile(rb"^From [^\s:]")
_BAD_NAME_FIELD = re.compile(rb"^[A-Za-z][A-Za-z0-9_-]*[\x80-\xff][\x21-\x39\x3b-\x7e\x80-\xff]*[ \t]*:")
# "Subject : text" (RFC 822's obsolete syntax): Python's parser takes it for the body's start.
_ANY_SPACE_BEFORE_COLON = re.compile(rb"^([A-Za-z0-9][A-Za-z0-9_-]*)[ \t]+:", re.MULTILINE)
_BOM = b"\xef\xbb\xbf"
_ENCODED_WORD_LINE = re.compile(rb"^=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")
# "Content-Type: multipart/mixed boundary=..." (the ';' lost): no boundary, no parts.
_HEAD_TYPE_THEN_PARAM = re.compile(
    rb"^(Content-Type:[ \t]*[A-Za-z0-9.+_-]+/[A-Za-z0-9.+_-]+)(?:[ \t]|\r?\n[ \t])+(?=[A-Za-z0-9_*-]+[ \t]*=)",
    re.MULTILINE | re.IGNORECASE)
_BLANK = re.compile(rb"\r?\n[ \t]*\r?\n")
# Each line read one way only (possessive): a header of many folds must not cost 2^n tries.
_FOLD_THEN_FIELD = re.compile(rb"[ \t]++[^\s][^\r\n]*+\r?\n(?:[ \t][^\r\n]*+\r?\n)*+[A-Za-z0-9][A-Za-z0-9_-]*+[ \t]*+:")
# A stray line is only dropped when real header fields follow it at once; more than two only
# when the fields that follow name a sender (a banner or a pasted fragment above a whole header).
_MAX_GARBAGE_LINES = 2
_MAX_GARBAGE_LINES_BEFORE_FROM = 5
_FROM_FIELD = re.compile(rb"^From[ \t]*:", re.IGNORECASE)
_MAX_HEAD = 256 * 1024
# "Subject: =?iso-8859-1?Q?Test?Thread-Topic: x": an encoded word cut before its "?=" and the
# next field glued to it (its line end lost with the "="). A '?' then a field name never
# occurs in a whole encoded word.
_WORD_THEN_FIELD = re.compile(rb"(=\?[^?\s]{1,64}\?[BbQq]\?[^?\s]*+)\?([A-Za-z][A-Za-z0-9-]{0,60}:[ \t])")


def _split_head(raw: bytes) -> tuple[list[bytes], bytes]:
    """The header lines (with their line ends) and the rest of the message."""
    end = _BLANK.search(raw, 0, _MAX_HEAD)
    # A line of white space only that folds a field (RFC 5322 4.2, obsolete "To: Mary\n  \n   <m@x>")
    # is no end: folds follow it, then another field.
    while end is not None and end.group().strip(b"\r\n") and _FOLD_THEN_FIELD.match(raw, end.end()):
        end = _BLANK.search(raw, end.end() - 1, _MAX_HEAD)
    cut = end.start() if end else min(len(raw), _MAX_HEAD)
    if end is None and cut < len(raw):
        return [], raw  # a header block this large is not one we should rewrite
    return raw[:cut].splitlines(keepends=True), raw[cut:]


def _starts_fields(lines: list[bytes], i: int) -> bool:
    """Two header fields start at line i (a field may be folded in between)."""
    if i >= len(lines) or not _FIELD.match(lines[i]):
        return False
    for line in lines[i + 1 :]:
        if line[:1] in (b" ", b"\t"):
            continue
        return bool(_FIELD.match(line))
    return True


def repair_line_ends(raw: bytes) -> tuple[bytes, str | None]:
    """Line ends the parser would misread, as the first line ends: CR alone (classic Mac OS),
    CR CR LF (a CRLF file converted to CRLF once more, by a Windows transfer in text mode or
    a second unix2dos) and LF CR (a converter that put the two the wrong way round). Python's
    parser takes CR and LF each for a line end there, so every line is followed by an empty
    one: the header block ends after its first field and the MIME structure is lost."""
    first = next((i for i, c in enumerate(raw[:_MAX_HEAD]) if c in (10, 13)), None)
    if first is None:
        return raw, None
    if raw[first] == 13 and b"\n" not in raw:
        return raw.replace(b"\r", b"\n"), "structure: CR line ends read as line ends"
    if raw.startswith(b"\r\r\n", first):
        return raw.replace(b"\r\r\n", b"\r\n"), "structure: CR CR LF line ends read as CRLF"
    if raw.startswith(b"\n\r", first):
        return raw.replace(b"\n\r", b"\n"), "structure: LF CR line ends read as LF"
    return raw, None


# mbox files escape a body line that starts "From " as ">From " (and mboxrd ">From " as ">>From ").
_MBOX_ESCAPED = re.compile(rb"^>(>*From )", re.MULTILINE)


def mbox_unescape(data: bytes) -> bytes:
    """A message as it was before an mbox file stored it: one '>' taken off each ">From " line
    (mboxrd's rule; an mboxo file escaped only "From ", and a ">From " of the writer's own is
    rarer than the escapes)."""
    return _MBOX_ESCAPED.sub(rb"\1", data)


def repair_header_block(raw: bytes) -> tuple[bytes, list[str]]:
    """The message with leading garbage lines dropped and lost folds restored; and what was done."""
    defects: list[str] = []
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]
        defects.append("header: byte order mark before the header fields removed")
    raw, defect = repair_line_ends(raw)
    if defect:
        defects.append(defect)
    lines, rest = _split_head(raw)
    if not lines:
        return raw, defects
    first = 1 if _MBOX_FROM.match(lines[0]) else 0
    if first >= len(lines):
        return raw, defects  # an mbox "From " line and nothing else above the body
    if not _FIELD.match(lines[first]) and lines[first][:1] not in (b" ", b"\t"):
        skip = next((k for k in range(first + 1, first + 1 + _MAX_GARBAGE_LINES_BEFORE_FROM) if _starts_fields(lines, k)
                     and (k - first <= _MAX_GARBAGE_LINES or any(_FROM_FIELD.match(ln) for ln in lines[k:]))), None)
        if skip is None:
            return raw, defects  # no header block at all: the parser's own reading is the best there is
        defects.append(f"header: {skip - first} stray line(s) before the header fields skipped")
        lines = lines[:first] + lines[skip:]
    # A "--" line in the header block (a MIME boundary, a signature) is where the body begins:
    # a mailer left out the empty line. It is never a header field's lost fold.
    dashes = next((i for i in range(first + 1, len(lines)) if lines[i].startswith(b"--")), None)
    if dashes is not None:
        eol = b"\r\n" if lines[dashes - 1].endswith(b"\r\n") else b"\n"
        rest = eol + b"".join(lines[dashes:]) + rest
        lines = lines[:dashes]
        if not lines[-1].endswith(b"\n"):
            lines[-1] += eol
        defects.append("header: no empty line before the body")
    bad = [i for i in range(first, len(lines)) if _BAD_NAME_FIELD.match(lines[i])]
    if bad:
        # A field whose name holds 8-bit bytes ("X-Te\xffst: ...") is no lost fold of the field
        # above it (it would end up in the Subject), and Python's parser would take it for the
        # start of the body: it is dropped, with its own folds.
        drop = set(bad)
        for i in bad:
            k = i + 1
            while k < len(lines) and lines[k][:1] in (b" ", b"\t"):
                drop.add(k)
                k += 1
        lines = [line for i, line in enumerate(lines) if i not in drop]
        defects.append("header: a field with 8-bit bytes in its name dropped")
    last_field = max((i for i, line in enumerate(lines) if _FIELD.match(line)), default=-1)
    # After the last field, a line that opens with an encoded word ("=?utf-8?Q?...?=") is that
    # field's lost fold, never the first line of a body.
    while 0 <= last_field < len(lines) - 1 and _ENCODED_WORD_LINE.match(lines[last_field + 1]):
        last_field += 1
    repaired = False
    for i in range(first, last_field + 1):
        line = lines[i]
        if not _FIELD.match(line) and line[:1] not in (b" ", b"\t"):
            lines[i] = b" " + line
            repaired = True
    if repaired:
        defects.append("header: unfolded continuation lines rejoined")
    head = b"".join(lines)
    if _WORD_THEN_FIELD.search(head):
        eol = b"\r\n" if b"\r\n" in head else b"\n"
        head = _WORD_THEN_FIELD.sub(rb"\1?=" + eol + rb"\2", head)
        defects.append("header: a field glued to an unfinished encoded word split off")
    if _HEAD_TYPE_THEN_PARAM.search(head):
        head = _HEAD_TYPE_THEN_PARAM.sub(rb"\1; ", head)
        defects.append("structure: Content-Type parameter without ';'")
    if _ANY_SPACE_BEFORE_COLON.search(head):
        head = _ANY_SPACE_BEFORE_COLON.sub(rb"\1:", head)
        defects.append("header: white space before a field's colon removed")
    if first:
        rest, escapes = _MBOX_ESCAPED.subn(rb"\1", rest)
        if escapes:
            defects.append("body: the mbox's '>From ' escapes removed")
    return head + rest, defects


# Content-Transfer-Encoding values as mailers write them besides the standard ones: trailing
# white space or ';', quotes, a comment, "base-64". Python's decoder compares the exact token,
# and a body left base64 or quoted-printable is unreadable.
_CTE_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_CTE_NAMES = {"base64": "base64", "base-64": "base64", "base_64": "base64",
              "quoted-printable": "quoted-printable", "quoted_printable": "quoted-printable",
              "quotedprintable": "quoted-printable", "7bit": "7bit", "8bit": "8bit", "binary": "binary",
              "x-uuencode": "x-uuencode", "uuencode": "x-uuencode", "x-uue": "x-uuencode", "uue": "x-uuencode"}
# "text/plain charset=utf-8": a parameter without its ';' (the type then reads as "plain charset=..."),
# on one line or on a folded one ("application/pdf\n\tname=..."); the same for a disposition.
_TYPE_THEN_PARAM = re.compile(r"^\s*([A-Za-z0-9.+_-]+/[A-Za-z0-9.+_-]+)\s+(?=[A-Za-z0-9_*-]+[ \t]*=)")
_DISPOSITION_THEN_PARAM = re.compile(r"^\s*(attachment|inline)\s+(?=[A-Za-z0-9_*-]+[ \t]*=)", re.IGNORECASE)


# One parameter after another without the ';' ('charset="koi8-r" name="a.txt"', 'name=a.zip size=3'):
# a parameter name MIME defines, then '=', after a whole value and white space. (An unquoted value
# holds no '=', a tspecial: a run of '=' is then no value, and is not scanned once per '='.)
_PARAM_THEN_PARAM = re.compile(r'(=[ \t]*(?:"[^"]*"|[^;"\s=]+))(\s+)(?=(?:charset|name|filename|format|delsp|size|'
                               r'creation-date|modification-date|read-date|reply-type)(?:\*[0-9]*)?\*?[ \t]*=)',
                               re.IGNORECASE)

# "text/plain (generated by X)", "text / plain": RFC 2045 comments and white space around the
# type's slash, which Python's parser keeps in the type it reports.
_TYPE_NOISE = re.compile(r"^\s*([A-Za-z0-9.+_-]+)\s*/\s*([A-Za-z0-9.+_-]+)\s*(?:\([^()]*\)\s*)*")
# Plain text under names mailers made up for it.
_PLAIN_ALIASES = frozenset({"text/x-plain", "text/plain-text", "text/txt", "text/text", "text/x-text", "text/unknown"})
# Text subtypes that are files of their own (a calendar, a card, data, code), not a letter's text.
_TEXT_FILES = frozenset({"calendar", "x-vcalendar", "vcard", "x-vcard", "directory", "csv", "xml", "css", "javascript",
                         "rfc822-headers", "tab-separated-values", "markdown", "x-markdown", "x-diff", "x-patch"})
_TEXT_READ_AS_IS = _TEXT_FILES | {"plain", "html", "enriched", "richtext"}


def clean_content_type(value: str, root: bool) -> str:
    """A Content-Type value with comments dropped, plain text under an alias named text/plain,
    and (root: the message's only part) any text subtype that is no file of its own read as
    text/plain, as RFC 2046 §4.1.4 asks of unrecognised text subtypes."""
    m = _TYPE_NOISE.match(value)
    if not m:
        return value
    major, minor = m.group(1).lower(), m.group(2).lower()
    ctype = f"{major}/{minor}"
    if ctype in _PLAIN_ALIASES or (root and major == "text" and minor not in _TEXT_READ_AS_IS):
        ctype = "text/plain"
    rest = value[m.end() :].strip().lstrip(";").strip()
    noisy = m.group(0).strip() != f"{m.group(1)}/{m.group(2)}"
    return ctype + ("; " + rest if rest else "") if noisy or ctype != f"{major}/{minor}" else value


def normalize_cte(value: str) -> str:
    """The transfer encoding a Content-Transfer-Encoding value means ("" when it names none)."""
    token = _CTE_TOKEN.search(value.strip().strip("\"'").lower())
    return _CTE_NAMES.get(token.group(0), token.group(0)) if token else ""


def repair_part_headers(msg: Message) -> list[str]:
    """Every leaf part's Content-Transfer-Encoding reduced to its token and a Content-Type or
    Content-Disposition parameter that lost its ';' reattached, in place; returns what was done."""
    defects: list[str] = []
    for part in msg.walk():
        cte = part.get("content-transfer-encoding")
        if cte is not None and not part.is_multipart():
            value = str(cte)
            norm = normalize_cte(value)
            if norm and norm != value:
                if norm != value.strip().lower():
                    defects.append(f"structure: Content-Transfer-Encoding {value.strip()[:40]!r} read as {norm}")
                part.replace_header("content-transfer-encoding", norm)
        ctype = part.get("content-type")
        if ctype is not None and not part.is_multipart():
            cleaned = clean_content_type(str(ctype), root=part is msg)
            if cleaned != str(ctype):
                defects.append(f"structure: Content-Type {str(ctype).split(';')[0].strip()[:40]!r} read as "
                               f"{cleaned.split(';')[0]}")
                part.replace_header("content-type", cleaned)
        for header, pattern in (("content-type", _TYPE_THEN_PARAM), ("content-disposition", _DISPOSITION_THEN_PARAM)):
            found = part.get(header)
            if found is not None and not part.is_multipart():
                fixed = _PARAM_THEN_PARAM.sub(r"\1;\2", pattern.sub(r"\1; ", str(found), count=1))
                if fixed != str(found):
                    defects.append(f"structure: {header.title()} parameter without ';'")
                    part.replace_header(header, fixed)
    return defects


def repair_boundary(raw: bytes, boundary: str) -> bytes | None:
    """The message with its top boundary parameter spelt as its body spells it, when the two
    differ in letter case (RFC 2046 makes them case-sensitive; some mailers do not) or in the
    quotes around it (boundary='b1', or boundary="b1 with its quote never closed, the next
    parameters then read as part of it, as home-made scripts write it: the parser keeps the
    quotes in the value); None when there is nothing to repair."""
    unquoted = boundary.strip("\"' \t")
    # A value folded inside its quotes (Outlook 2000: boundary="----=_NextPart<CRLF> _000_..."):
    # unfolded, the fold's white space stays (RFC 5322 §2.2.3), or the body spells it without.
    for candidate in dict.fromkeys((boundary, unquoted, unquoted.split(";", 1)[0].strip("\"' \t"),
                                    _FOLD.sub("", unquoted), _FOLD_AND_SPACE.sub("", unquoted))):
        try:
            wanted = candidate.encode("ascii")
        except UnicodeEncodeError:
            continue
        found = re.search(rb"^--(" + re.escape(wanted) + rb")[ \t]*\r?$", raw, re.MULTILINE | re.IGNORECASE) if wanted else None
        if found is None or found.group(1).decode("ascii") == boundary:
            continue
        head_end = raw.find(b"\n\n")
        head_end = min(x for x in (head_end, raw.find(b"\r\n\r\n"), found.start()) if x >= 0)
        head, body = raw[:head_end], raw[head_end:]
        param = _BOUNDARY_PARAM.search(head)
        if param is None:
            return None
        return head[: param.start()] + param.group(1) + b'"' + found.group(1) + b'"' + head[param.end() :] + body
    return None


_BOUNDARY_PARAM = re.compile(rb"""(boundary[ \t]*=[ \t]*)(?:"(?:[^"\r\n]|\r?\n[ \t])*"?|'[^'\r\n]*'?|[^;\s]+)""",
                             re.IGNORECASE)
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_FOLD_AND_SPACE = re.compile(r"\r?\n[ \t]+")


# RFC 2231 parameters given whole and in numbered sections at once (name*= beside name*0*=):
# Python's parser fails on such a header (it sorts the sections and cannot order the whole one
# among them), and on a multipart's Content-Type that loses the whole mail.
_PARAM_HEADER = re.compile(rb"^Content-(?:Type|Disposition)[ \t]*:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*",
                           re.MULTILINE | re.IGNORECASE)
_ANY_SECTION = re.compile(rb"\*[0-9]+\*?[ \t]*=")
_WHOLE_EXTENDED = re.compile(rb"[;:][ \t\r\n]*([A-Za-z0-9_.-]+)\*[ \t\r\n]*=")
_SECTION = re.compile(rb';[ \t\r\n]*([A-Za-z0-9_.-]+)\*([0-9]+)\*?[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|[^;\r\n]*)')


def _drop_shadowed_sections(header: re.Match[bytes]) -> bytes:
    """The header without the sections of a parameter also given whole, nor a section given
    again later with the same number ("name*0*=utf-8''old; name*0*=utf-8''new"): the last one
    stands (the parser would join both, the second's charset prefix inside the name)."""
    text = header.group(0)
    whole = {m.group(1).lower() for m in _WHOLE_EXTENDED.finditer(text)}
    sections = list(_SECTION.finditer(text))
    last = {(m.group(1).lower(), int(m.group(2))): m.start() for m in sections}
    if not whole and len(last) == len(sections):
        return text

    def kept(m: re.Match[bytes]) -> bytes:
        name = m.group(1).lower()
        return b"" if name in whole or last[(name, int(m.group(2)))] != m.start() else m.group(0)

    return _SECTION.sub(kept, text)


def repair_parameter_sections(raw: bytes) -> tuple[bytes, str | None]:
    """The message with the numbered sections of a parameter that is also given whole removed
    from every Content-Type and Content-Disposition (the whole value is kept: it is complete
    on its own), and of a section given twice the earlier one; and what was done."""
    if not _ANY_SECTION.search(raw):
        return raw, None
    fixed = _PARAM_HEADER.sub(_drop_shadowed_sections, raw)
    return fixed, "structure: a parameter given whole and in sections, or a section twice: the shadowed ones dropped" if fixed != raw else None


# A part's parameter on a line of its own that lost its fold's white space
# ("Content-Disposition: inline;" then "filename*0*=..." at the line's start): Python's parser
# takes that line for the start of the part's body, and the file's name is lost. Only in a
# header block (the message's own, or a part's right after its boundary line), only a line that
# is a parameter (name, optional RFC 2231 section, '=') right after the block's last field when
# that is a Content-Type or Content-Disposition ending in ';'. Each line read one way only.
_HEAD_THEN_PARAM = re.compile(
    rb"(?:\A|^--[^\r\n]++\r?\n)((?:[A-Za-z0-9][A-Za-z0-9_-]*+[ \t]*+:[^\r\n]*+\r?\n(?:[ \t][^\r\n]*+\r?\n)*+)++)"
    rb"(?=[A-Za-z0-9_.-]++(?:\*[0-9]++)?+\*?+[ \t]*+=)", re.MULTILINE)
_LAST_FIELD = re.compile(rb"(?:\A|\n)(Content-(?:Type|Disposition)[ \t]*:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*);[ \t]*\r?\n\Z",
                         re.IGNORECASE)
_PARAM_LOST_FOLD_HINT = re.compile(rb";[ \t]*\r?\n[A-Za-z0-9_.-]+(?:\*[0-9]+)?\*?[ \t]*=")
_MAX_LOST_FOLDS = 20


def _rejoin_param(m: re.Match[bytes]) -> bytes:
    return m.group(0) + b" " if _LAST_FIELD.search(m.group(1)) else m.group(0)


def repair_parameter_folds(raw: bytes) -> tuple[bytes, str | None]:
    """The message with each Content-Type/Content-Disposition parameter that starts a line of
    its own (its fold's white space lost) folded back into its field; and what was done."""
    if not _PARAM_LOST_FOLD_HINT.search(raw):
        return raw, None
    fixed = raw
    for _ in range(_MAX_LOST_FOLDS):  # one line per header block and pass
        again = _HEAD_THEN_PARAM.sub(_rejoin_param, fixed)
        if again == fixed:
            break
        fixed = again
    return fixed, "structure: a parameter line that lost its fold rejoined" if fixed != raw else None


# A closing delimiter followed at once (blank lines aside) by an opening one of the same
# boundary: the mailer closed the multipart after its first part and went on. RFC 2046 makes
# the rest an epilogue nobody reads (the HTML alternative, the attachment); the close is dropped.
_REOPENED = re.compile(rb"^--([^\r\n]{1,200}?)--[ \t]*+\r?\n(?:[ \t]*+\r?\n)*+(?=--\1[ \t]*+\r?\n)", re.MULTILINE)
# What every such place holds: a line ending in "--", then (blank lines aside) one starting with
# "--". Searched first: a tenth of the cost of the full pattern, which tries every "--" line.
_REOPENED_HINT = re.compile(rb"--[ \t]*+\r?\n(?:[ \t]*+\r?\n)*+--")


def repair_reopened_boundaries(raw: bytes) -> tuple[bytes, str | None]:
    """The message without each closing delimiter that an opening one of its boundary follows
    at once; and what was done."""
    if not _REOPENED_HINT.search(raw):
        return raw, None
    fixed = _REOPENED.sub(b"", raw)
    return fixed, "structure: a multipart closed and opened again: the early close dropped" if fixed != raw else None
