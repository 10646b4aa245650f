"""Header values → clean text: RFC 2047 (including the broken kinds), addresses, ids, dates."""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime, timedelta, timezone
from email import _header_value_parser as rfc5322  # the grammar behind email.headerregistry
from email import errors as email_errors
from email.utils import getaddresses, parsedate_tz

from .charsets import (
    CYRILLIC_CANDIDATES,
    CYRILLIC_SINGLE_BYTE,
    SHORT_SAMPLE,
    SUPERSETS,
    decode_bytes,
    normalize_charset,
    to_bytes,
)

# An encoded word; the last one of a value may have lost its "?=" (a header cut to a length),
# or its charset ("=??Q?...?=": the bytes are read as undeclared ones are).
# A Q word whose text holds a literal '?' (mailers that did not encode it: "Warum??="): taken
# up to a "?=" that ends a word, when the strict form does not match.
_ENCODED_WORD = re.compile(r"=\?([^?\s]{0,64})\?([bBqQ])\?([^?]*?)(?:\?=|(?=\s*$))"
                           r"|=\?([^?\s]{1,64})\?([qQ])\?([^\s?][^\s]*?)\?=(?=\s|$)")
# A whole encoded word as one unit of a phrase (what it encodes is never syntax: RFC 2047 §5).
_WHOLE_WORD = r"=\?[^?\s]*\?[bBqQ]\?[^?]*\?="
_CLEAN_CUT = (None, "utf-8 cut inside a character")
_FOLD_IN_WORD = re.compile(r"\r?\n[ \t]*")
_WS = re.compile(r"\s+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # kept out of subjects and names; tabs and line ends are white space
_BETWEEN_WORDS = re.compile(r"\s*")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_B64_CHUNK = re.compile(r"[A-Za-z0-9+/]+=*")
_NOT_B64 = re.compile(r"[^A-Za-z0-9+/=]")
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
# Started only where a run of local-part characters starts, and that run taken whole: each run is
# read once ('a@' and 80 KB of dots took 13 s when every dot was a start again).
_BARE_ADDR = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]++@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_NAME_QUOTES = "\"'"


_QUOTED_WORDS_ONLY = re.compile(r'^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")+$')
_QUOTED_WORD_TEXT = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unquote_name_text(name: str) -> str:
    """A display name without the white space and the quotes around it; quotes that belong to
    the name stay: 'ООО "Ромашка"' (a Russian company's name ends in its closing quote), also
    when the sender wrapped it once more ('"ООО "Ромашка""', '"ООО "Ромашка"'); a lone quote at
    either end is the wrapper's."""
    name = name.strip()
    if _QUOTED_WORDS_ONLY.match(name):
        # '"Petrov" "Ivan"': a name written as several quoted words (RFC 5322's phrase) is
        # their text, not one quotation with quotes inside.
        return " ".join(_QUOTED_PAIR.sub(r"\1", w) for w in _QUOTED_WORD_TEXT.findall(name))
    while len(name) >= 2 and name[0] in _NAME_QUOTES and name[-1] == name[0]:
        inner = name[1:-1]
        # an odd count inside: the last quote closes a quotation of the name's own
        name = (inner if inner.count(name[0]) % 2 == 0 else name[1:]).strip()
    for q in _NAME_QUOTES:
        if name.count(q) % 2:
            if name.startswith(q):
                name = name[1:].strip()
            elif name.endswith(q):
                name = name[:-1].strip()
    return name


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
    raw = to_bytes(_SPLIT_ESCAPE.sub("=", _FOLD_IN_WORD.sub("", payload)).replace("_", " "))
    return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _broken_base64(text: str) -> bool:
    """Whether a B word's text has padding inside a chunk that more text follows ("Andr=E9": a Q
    word labelled B): no base64 at all, so the word is kept as sent. Chunks glued with their
    padding ("YWI=YWI=") and a last chunk with its padding missing or doubled are base64."""
    chunks = _B64_CHUNK.findall(_NOT_B64.sub("", text))
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


# The common single-address forms, parsed without the general (slow) parser.
_SIMPLE_ADDR = re.compile(
    r'^\s*(?:"([^"\\]*)"|([^"<>,;:@()\\]*?))?\s*<([^<>\s,;:"()\\]+@[^<>\s,;:"()\\]+)>\s*$'
    r'|^\s*([^<>\s,;:"()\\]+@[^<>\s,;:"()\\]+)\s*$'
)


# One angle-bracketed address: whatever stands before it is the display name, even when that
# name is itself an address ("ivan@example.ru <ivan@example.ru>") or unquoted.
# An encoded word is one unit of the name: what it encodes (",", "<", "@") is text, never syntax
# (RFC 2047 §5), so "=?utf-8?Q?boss@bank.ru,?= <x@evil.example>" is x@evil.example.
# (A character is taken alone only where no word starts: one way to read the name, no backtracking
# through 2^n readings of n words.)
_ONE_ANGLE = re.compile(rf'^(?P<name>(?:"[^"]*"|{_WHOLE_WORD}|(?!{_WHOLE_WORD})[^<>,;"])*?)\s*<\s*'
                        r'(?P<addr>[^<>\s]+@[^<>\s]+?)\s*>\s*$')
# "Petrov, Ivan <ivan@example.ru>": Outlook's "Last, First" left unquoted by a gateway. With one
# address in the value, the comma is the name's own, not a list separator.
# (A comma before the '<', looked for ahead; the name then taken whole, possessively: the first
# form tried every comma as the split, 40 KB of "a,a,..." took 15 s.)
_COMMA_NAME = re.compile(r'^(?=[^<>;"@]*,)(?P<name>[^<>;"@]*+)<\s*(?P<addr>[^<>\s@]+@[^<>\s@]+?)\s*>\s*$')
# "Ivan Petrov [mailto:ivan@example.ru]": Outlook's way of writing a sender in text, which
# gateways that resend a forwarded mail put in the From field; '<ivan@example.ru> "Ivan"'.
_BRACKETED = re.compile(r'^(?P<name>[^<>\[\]@,;]*?)\s*\[\s*(?:mailto:)?(?P<addr>[^\[\]\s@]+@[^\[\]\s@]+?)\s*\]\s*$',
                        re.IGNORECASE)
_NAME_AFTER = re.compile(r'^\s*<\s*(?P<addr>[^<>\s@]+@[^<>\s@]+?)\s*>\s*(?P<name>[^<>@,;]+?)\s*$')
# 'ivan@example.ru' ivan@example.ru: Outlook's quoted address as the name, its brackets left out.
_QUOTED_ADDR_NAME = re.compile(r"""^\s*(?P<q>['"])(?P<name>[^'"<>\s]+@[^'"<>\s]+)(?P=q)\s+"""
                               r"""(?P<addr>[^\s<>,;:"'()\\@]+@[^\s<>,;:"'()\\@]+)\s*$""")
_QUOTED_WORDS = re.compile(r'"([^"]*)"')
# The old "ivan@example.ru (Ivan Petrov (work))": the name is the one comment after the address,
# a comment nested in it kept as written (the standard library flattens it to "Ivan Petrov work").
_COMMENT_AFTER = re.compile(r'^\s*(?P<addr>[^\s()<>,;:"\\@]+@[^\s()<>,;:"\\@]+)\s*'
                            r'(?P<name>\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\))\s*$')
_NAME_WITH_ANGLE = re.compile(r'^(?P<name>[^,;"<>]*<[^<>,;"@]+@[^<>,;"]+>(?P<between>[^,;"<>]*?))\s*<\s*(?P<addr>[^<>\s]+@[^<>\s]+?)\s*>\s*$')
_QUOTED_LOCAL = re.compile(r'^"[^"\\]*"@[^@\s<>"]+\.[^@\s<>"]+$')
_LOOSE_ADDR = re.compile(r"^[^@\s<>]+@[^@\s<>.][^@\s<>]*$")  # "user@intranet" too
_LOCAL_ONLY = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+$")
_QUOTED_PAIR = re.compile(r"\\(.)")
_COMMENT = re.compile(r"\([^()]*\)")
_LOCAL_WORD = re.compile(r"\s*[A-Za-z0-9.!#$%&'*+/=?^`{|}~-]+\s*\Z")


# An obsolete source route before the address ("<@relay1,@relay2:ivan@example.ru>").
_ROUTE_DOMAIN = r"(?:\[[^\]<>]*\]|[^<>:\s,\[]+)"
_OBS_ROUTE = re.compile(rf"<\s*@{_ROUTE_DOMAIN}(?:\s*,\s*@{_ROUTE_DOMAIN})*\s*:")
_NAME_BEFORE_ANGLE = re.compile(r'^\s*([^<>]*?)\s*<')
# An RFC 5322 comment inside an address ("ivan(work)@example.ru"): white space to the grammar.
_ADDR_COMMENT = re.compile(r"\([^()\s@]*\)")


_ENCODED_SPAN = re.compile(_WHOLE_WORD)


def without_comments(name: str) -> str:
    """A display name's phrase without its RFC 5322 comments ('Ivan (work)', nested, with
    escaped parentheses), as RFC 5322 reads it; quoted strings and encoded words are kept whole.
    A name made only of comments is their text (the old "(Ivan Petrov) <ivan@example.ru>");
    an unbalanced parenthesis is no comment ("Ivan :-( Petrov" stays as written)."""
    if "(" not in name:
        return name
    kept: list[str] = []
    comments: list[str] = []
    comment: list[str] = []
    depth, i, quoted = 0, 0, False
    while i < len(name):
        ch = name[i]
        span = _ENCODED_SPAN.match(name, i) if not (depth or quoted) and ch == "=" else None
        if span:
            kept.append(span.group())
            i = span.end()
            continue
        if ch == "\\" and (quoted or depth) and i + 1 < len(name):
            (comment if depth else kept).append(name[i : i + 2])
            i += 2
            continue
        if quoted or (ch == '"' and not depth):
            kept.append(ch)
            quoted = not quoted if ch == '"' else quoted
        elif ch == "(":
            if depth:
                comment.append(ch)
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth:
                comment.append(ch)
            else:
                comments.append("".join(comment))
                comment = []
                kept.append(" ")
        else:
            (comment if depth else kept).append(ch)
        i += 1
    if depth or quoted:
        return name
    phrase = " ".join("".join(kept).split())
    if phrase.strip("\"' "):
        return phrase
    return " ".join(_QUOTED_PAIR.sub(r"\1", " ".join(comments)).split())


# A quoted local part that is a plain dot-atom: the quotes change nothing.
_NEEDLESS_QUOTES = re.compile(r'^"[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+)*"@')


_DOUBLE_ANGLE = re.compile(r"<\s*<([^<>\"]*)>\s*>(?=\s*(?:,|$))")


def _clean_addr(addr: str) -> str:
    addr = decode_header_text(addr).strip("<>;, ").removeprefix("mailto:")
    if "(" in addr and not addr.startswith('"'):
        addr = _ADDR_COMMENT.sub("", addr)
    if not addr.startswith('"') or '"@' not in addr:  # keep a quoted local part's quotes
        addr = addr.strip("\"' ")
    elif _NEEDLESS_QUOTES.match(addr):
        addr = addr[1:].replace('"@', "@", 1)  # '"ivan"@example.ru' is ivan@example.ru (RFC 5322 §3.4.1)
    # A trailing dot ("ivan@example.ru.") is the DNS root, not part of the domain.
    return addr.rstrip(".").lower()


def _name_text(raw: str, fallback: str | None) -> str:
    """The display name an agent reads, from the name as written before an address."""
    return unquote_name_text(decode_header_text(without_comments(raw), fallback=fallback))


# A run longer than any address (RFC 5321: 254 characters) with nothing between its words: the
# patterns below would try every split of it ('<@@@...@>' costs quadratic time; 20 KB of it took
# 15 s), so such a value goes straight to the standard library's linear parser.
_OVERLONG_RUN = re.compile(r"[^\s<>,;]{321}")
# A bare address and the word after it, apart ("bre@klaki.net Bjarni"): group 1 the address.
_GLUED_WORD = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)[ \t]+([\w-]+)")
# A name and a bracketed local part with no domain: "Mail Delivery System <MAILER-DAEMON>".
_NAMED_LOCAL = re.compile(r"^[^<>@,;]*<\s*[\w.!#$%&'*+/=?^`{|}~-]+\s*>\s*$")


def _one_value(value: str, defects: list[str] | None, local_part_ok: bool,
               fallback: str | None = None, grammar: bool = True) -> list[tuple[str, str]]:
    if _OVERLONG_RUN.search(value):
        return _parsed_by_stdlib(value, defects, local_part_ok, fallback, grammar)
    if "<" in value:
        value = _OBS_ROUTE.sub("<", value)  # RFC 5322 §4.4: a source route is to be ignored
        value = _DOUBLE_ANGLE.sub(r"<\1>", value)  # '"Ivan" <<ivan@example.ru>>': one pair of brackets
    doubled = _NAME_WITH_ANGLE.match(value)
    if doubled and not doubled.group("between").strip():
        # 'Ivan <ivan@home.ru> <ivan@work.ru>': an unquoted name holding an address; the mailbox
        # is the last bracketed one. With a name between them ('Anna <a@x.ru> Boris <b@y.ru>')
        # they are two mailboxes whose comma was left out: read below, the first one writes.
        addr = _clean_addr(doubled.group("addr"))
        if _LOOSE_ADDR.match(addr):
            if defects is not None:
                defects.append("header: malformed address")
            return [(_name_text(doubled.group("name"), fallback), addr)]
    simple = (_SIMPLE_ADDR.match(value) or _ONE_ANGLE.match(value) or _COMMA_NAME.match(value)
              or _BRACKETED.match(value) or _NAME_AFTER.match(value) or _COMMENT_AFTER.match(value)
              or _QUOTED_ADDR_NAME.match(value))
    if simple:
        groups = simple.groupdict() if simple.re is not _SIMPLE_ADDR else {  # a quoted name keeps its quotes here
            "name": f'"{simple.group(1)}"' if simple.group(1) is not None else simple.group(2) or "",
            "addr": simple.group(3) or simple.group(4)}
        addr = _clean_addr(groups["addr"])
        if _LOOSE_ADDR.match(addr):
            name = without_comments(groups["name"]).strip().strip(",").strip()
            if name.startswith('"') and name.endswith('"') and not _QUOTED_WORDS_ONLY.match(name):
                name = _QUOTED_PAIR.sub(r"\1", name[1:-1])  # '"Ivan \\"Vanya\\""' -> 'Ivan "Vanya"'
            return [(unquote_name_text(decode_header_text(name, fallback=fallback)), addr)]
    return _parsed_by_stdlib(value, defects, local_part_ok, fallback, grammar)


# Longer values, and the values of a header longer in all than _GRAMMAR_BUDGET, are left to the
# lenient reader: the grammar's parser takes ~25 µs a character on odd input (2,000 quotes: 60 ms),
# and a mail may repeat a header many times.
_GRAMMAR_MAX = 1000
_GRAMMAR_BUDGET = 4000
_GRAMMAR_SYNTAX = re.compile(r'[()"\\:]')
_LEADING_COMMENTS = re.compile(r"^\s*(?:\([^()]*\)\s*)+")


def _read_by_the_grammar(value: str, fallback: str | None) -> list[tuple[str, str]] | None:
    """The mailboxes of a value with comments, quoted strings or a group, as RFC 5322's grammar
    reads it (the standard library's header registry parser: several quoted words in one name,
    parentheses and an escaped quote inside quotes, a comment after an address or folded inside
    one, groups); None when the grammar does not read it whole and without a defect (obsolete
    syntax allowed), or it holds encoded words, which the lenient reader decodes. A mailbox with
    no name keeps the old convention: the one comment after its address is its name."""
    if len(value) > _GRAMMAR_MAX or "=?" in value or not _GRAMMAR_SYNTAX.search(value):
        return None
    try:
        found, rest = rfc5322.get_address_list(_FOLD_IN_WORD.sub(" ", value).strip())
    except Exception:  # noqa: BLE001 - what the grammar cannot read, the lenient reader tries
        return None
    mailboxes = found.all_mailboxes
    if rest or not mailboxes or any(not isinstance(d, email_errors.ObsoleteHeaderDefect) for d in found.all_defects):
        return None
    out = []
    for mailbox in mailboxes:
        addr = _clean_addr(mailbox.addr_spec or "")
        if isinstance(mailbox, rfc5322.InvalidMailbox) or not _LOOSE_ADDR.match(addr):
            return None
        if mailbox.display_name:  # unquoted by the grammar: a quote of the name's own stays
            name = decode_header_text(mailbox.display_name, fallback=fallback)  # raw 8-bit text as elsewhere
        else:
            # comments before the address are no name: "(work) ivan@example.ru (Ivan)" is Ivan's
            text = _LEADING_COMMENTS.sub("", str(mailbox))
            old = _COMMENT_AFTER.match(text) or _NAME_AFTER.match(text)
            name = _name_text(old.group("name"), fallback) if old else ""
        out.append((name, addr))
    return out


def _parsed_by_stdlib(value: str, defects: list[str] | None, local_part_ok: bool,
                      fallback: str | None = None, grammar: bool = True) -> list[tuple[str, str]]:
    """The value as RFC 5322's grammar reads it, else as the standard library's lenient address
    parser does, with its near misses repaired (a bare address among words, a lone local part,
    encoded words around it all)."""
    strict = _read_by_the_grammar(value, fallback) if grammar else None
    if strict is not None:
        return strict
    try:
        pairs = getaddresses([value])
    except Exception:  # noqa: BLE001 - a malformed header is the sender's fault
        pairs = []
    out: list[tuple[str, str]] = []
    lead = _NAME_BEFORE_ANGLE.match(value) if "(" in value and value.count("<") == 1 else None
    # read once, not once per address (20,000 of them took 8 s)
    one_word = local_part_ok and len(pairs) == 1 and bool(_LOCAL_WORD.match(_COMMENT.sub(" ", value))
                                                          or _NAMED_LOCAL.match(value))
    glued = list(_GLUED_WORD.finditer(value)) if "<" not in value else []
    for name, raw_addr in pairs:
        addr = _clean_addr(raw_addr)
        joined = next((m for m in glued if (m.group(1) + m.group(2)).lower() in addr), None)
        if joined:
            # 'bre@klaki.net Bjarni': the lenient parser reads the word after a bare address
            # into its domain ("klaki.netbjarni"); the words around the address are its name.
            raw_addr = raw_addr.replace(joined.group(1) + joined.group(2), joined.group(0))
        elif _LOOSE_ADDR.match(addr) or _QUOTED_LOCAL.match(addr):
            if lead and len(pairs) == 1:
                # comments inside the brackets ("Ivan <(work) ivan@example.ru (office)>") are no
                # part of the name: the name is what stands before the '<'
                name = lead.group(1)
            out.append((_name_text(name, fallback), addr))
            continue
        bare = _BARE_ADDR.search(raw_addr)
        if bare:
            # "Ivan ivan@example.ru": the words around a lone address are its name.
            # The words win over a comment after the address ('"Ivan" Petrov ivan@example.ru (work)').
            rest = _QUOTED_WORDS.sub(r"\1", raw_addr[: bare.start()] + raw_addr[bare.end() :]).strip(" <>\"'")
            words = "" if rest.lower().endswith("mailto:") else rest
            out.append((unquote_name_text(decode_header_text(words or name, fallback=fallback)),
                        bare.group(0).rstrip(".").lower()))
        elif one_word and _LOCAL_ONLY.match(addr):
            # One bare word ("MAILER-DAEMON (Mail Delivery System)"); two words ("Ivan Petrov"),
            # a quoted or a Cyrillic word are a name without an address.
            out.append((unquote_name_text(decode_header_text(name, fallback=fallback)), addr))  # From: MAILER-DAEMON
        else:
            continue
        if defects is not None:
            defects.append("header: malformed address")
    if not out and "=?" in value:
        # The whole field (address included) inside encoded words: decode it, then parse it.
        decoded = decode_header_text(value, fallback=fallback)
        if "=?" not in decoded and decoded.strip() != value.strip():
            out = _one_value(decoded, defects, local_part_ok, fallback, grammar)
            if out and defects is not None:
                defects.append("header: address inside an encoded word")
            return out
    if not out:
        # Strict parsing refuses odd headers; keep any address-looking token (in the decoded
        # text: a raw UTF-8 local part is letters, not undecodable bytes), and the name written
        # before the first '<' ("Ivan <ivan@example.ru@relay>", an obsolete route
        # "Ivan <@relay.example:ivan@example.ru>").
        text = decode_header_text(value, fallback=fallback)
        found = _BARE_ADDR.findall(text)
        lead = _NAME_BEFORE_ANGLE.match(text) if found else None
        name = unquote_name_text(lead.group(1)) if lead and "@" not in lead.group(1) else ""
        out = [(name if i == 0 else "", a.rstrip(".").lower()) for i, a in enumerate(found)]
        if defects is not None and (out or any(a for _, a in pairs)):
            defects.append("header: malformed address" if out else "header: invalid address")
    return out


def parse_addresses(values: list[str], defects: list[str] | None = None, *,
                    local_part_ok: bool = False, fallback: str | None = None) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs from address header values.

    local_part_ok keeps an address without a domain (From: MAILER-DAEMON) when the value
    holds no address at all."""
    out: list[tuple[str, str]] = []
    grammar = sum(len(value) for value in values) <= _GRAMMAR_BUDGET
    for value in values:
        out.extend(_one_value(value, defects, local_part_ok, fallback, grammar))
    return out


def pick_sender(from_values: list[str], sender_values: list[str], reply_to_values: list[str],
                defects: list[str], fallback: str | None = None,
                return_path_values: list[str] | None = None) -> tuple[str, str | None]:
    """(display name, address) of whoever wrote the mail: From; when From holds no usable
    address (`<>`, garbage) the Sender, then the Reply-To; a From that is a bare local part
    (MAILER-DAEMON) only when neither gives an address; when From has no address at all, the
    envelope sender (Return-Path) as the last resort."""
    found = parse_addresses(from_values, defects, local_part_ok=True, fallback=fallback)
    full = next(((n, a) for n, a in found if "@" in a), None)
    if full is not None:
        return full
    name = (found[0][0] if found else _display_name(from_values, fallback)) or _name_only(from_values, fallback)
    for values in (sender_values, reply_to_values):
        other = parse_addresses(values, defects, fallback=fallback)
        if other:
            defects.append("header: From has no address, the sender is taken from Sender/Reply-To")
            return name or other[0][0], other[0][1]
    if found:
        return name, found[0][1]
    envelope = [a for _n, a in parse_addresses(return_path_values or []) if "@" in a]
    if envelope:
        defects.append("header: From has no address, the sender is taken from Return-Path")
        return name, envelope[0]
    return name, None


# What may surround a name that has no address: an empty "<>", a group's ":;" ("Ivan Petrov:;"),
# quotes.
_NAME_ONLY_TRIM = re.compile(r"\s*<\s*>\s*|:\s*;?\s*$")


def _name_only(values: list[str], fallback: str | None = None) -> str:
    """The display name of a From that holds words and no address ("Ivan Petrov", "Иван
    Петров" in an encoded word); "" for one bare word (MAILER-DAEMON, an address's local part)."""
    if not values:
        return ""
    text = " ".join(decode_header_text(values[0], fallback=fallback).split())
    text = _NAME_ONLY_TRIM.sub(" ", text).strip()
    if _LOCAL_WORD.match(text):
        return ""
    if text.startswith('"') and text.endswith('"') and len(text) > 1:
        text = _QUOTED_PAIR.sub(r"\1", text[1:-1]).strip()
    if "@" in text or "<" in text or ">" in text:
        return ""
    return unquote_name_text(text)[:200]


def _display_name(values: list[str], fallback: str | None = None) -> str:
    try:
        pairs = getaddresses(values[:1])
    except Exception:  # noqa: BLE001
        return ""
    return unquote_name_text(decode_header_text(pairs[0][0], fallback=fallback)) if pairs else ""


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
