"""Address headers → (display name, address) pairs: the common forms read directly, the broken
kinds mailers write (bare addresses with a name glued on, names in brackets or after the
address, comments, obsolete routes, unbalanced quotes), the rest by the RFC 5322 grammar with
a budget; and the one sender a mail is from (From, Sender, Reply-To, the envelope)."""

from __future__ import annotations

import re
from email import _header_value_parser as rfc5322  # the grammar behind email.headerregistry
from email import errors as email_errors
from email.utils import getaddresses

from .headers import FOLD_IN_WORD, WHOLE_WORD, decode_header_text

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
    if '\\"' in name:
        # Escaped quotes inside an encoded word (s-nail encodes the whole quoted string, Emacs its
        # text with the backslashes): no name holds a backslash before a quote.
        name = name.replace('\\"', '"')
    for q in _NAME_QUOTES:
        if name.count(q) % 2:
            if name.startswith(q):
                name = name[1:].strip()
            elif name.endswith(q):
                name = name[:-1].strip()
    return name


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
_ONE_ANGLE = re.compile(rf'^(?P<name>(?:"[^"]*"|{WHOLE_WORD}|(?!{WHOLE_WORD})[^<>,;"])*?)\s*<\s*'
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


_ENCODED_SPAN = re.compile(WHOLE_WORD)


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
_GLUED_WORD = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)"
                         r"(?:[ \t]*+\([^()]*+\))*+[ \t]+([\w-]+)")
# A name and a bracketed local part with no domain: "Mail Delivery System <MAILER-DAEMON>".
_NAMED_LOCAL = re.compile(r"^[^<>@,;]*<\s*[\w.!#$%&'*+/=?^`{|}~-]+\s*>\s*$")


# '"j/smith"@example.com@relay.example.net': a relay that appended its own domain to an address
# whose local part is quoted (Lotus Notes names behind Exchange); the mailbox is the part before.
_RELAYED_QUOTED_LOCAL = re.compile(r'("[^"\\\r\n]*+"@[^@\s<>",;()]++)@[^@\s<>",;()]++(?=\s*+(?:>|,|$))')


# "=?UTF-8?Q?Petrov?=@local.domain, Ivan <ivan@example.ru>": a name's unquoted "Last, First"
# split at its comma, and a relay (Postfix, Exim) completed the encoded word before the comma as
# an address of its own domain. An encoded word is never a mailbox's local part (RFC 2047 §5):
# the relay's domain is taken off, and the comma too where the relay put it (Postfix also
# splits a name's words at their spaces: the word before its comma then ends in that space).
_RELAYED_ENCODED_LOCAL = re.compile(r'(=\?[^\s@<>",;()]++)@[^@\s<>",;()]++(\s*+),')


def _relayed_encoded_local(match: re.Match[str]) -> str:
    word = match.group(1)
    if not word.endswith("?="):
        return match.group(0)
    if decode_header_text(word, keep_spaces=True).endswith(" "):
        return word + match.group(2)
    return word + match.group(2) + ","


_ANGLE_THEN_ANGLE = re.compile(r">[^<>,;]*<")


def _list_items(value: str) -> list[str]:
    """The comma-separated items of an address list, commas inside quotes, brackets and
    comments left alone."""
    items, start, quoted, angle, paren, escaped = [], 0, False, 0, 0, False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"' and not paren:
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            paren += 1
        elif ch == ")" and paren:
            paren -= 1
        elif paren:
            continue
        elif ch == "<":
            angle += 1
        elif ch == ">" and angle:
            angle -= 1
        elif ch == "," and not angle:
            items.append(value[start:i])
            start = i + 1
    items.append(value[start:])
    return [item for item in items if item.strip()]


def _one_value(value: str, defects: list[str] | None, local_part_ok: bool,
               fallback: str | None = None, grammar: bool = True) -> list[tuple[str, str]]:
    if _OVERLONG_RUN.search(value):
        return _parsed_by_stdlib(value, defects, local_part_ok, fallback, grammar)
    if '"@' in value:
        value, relayed = _RELAYED_QUOTED_LOCAL.subn(r"\1", value)
        if relayed and defects is not None:
            defects.append("header: a relay's domain after an address removed")
    if "?=@" in value and "<" in value:
        repaired = _RELAYED_ENCODED_LOCAL.sub(_relayed_encoded_local, value)
        if repaired != value and defects is not None:
            defects.append("header: a relay's domain after an encoded word removed")
        value = repaired
    if "<" in value:
        value = _OBS_ROUTE.sub("<", value)  # RFC 5322 §4.4: a source route is to be ignored
        value = _DOUBLE_ANGLE.sub(r"<\1>", value)  # '"Ivan" <<ivan@example.ru>>': one pair of brackets
    if "," in value and _ANGLE_THEN_ANGLE.search(value):
        items = _list_items(value)
        if len(items) > 1 and any(_NAME_WITH_ANGLE.match(item) for item in items):
            # '<a@x.com> <b@y.com>, c@z.com': each mailbox of the list read on its own, so the
            # first one's name that looks like an address stays its name (as when it stands alone)
            return [pair for item in items for pair in _one_value(item, defects, local_part_ok, fallback, grammar)]
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
_LEAD_COMMENT_TEXT = re.compile(r"[()]+")


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
        found, rest = rfc5322.get_address_list(FOLD_IN_WORD.sub(" ", value).strip())
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
            # comments before the address give way to one after it: "(work) ivan@example.ru
            # (Ivan)" is Ivan's; alone, before a bare address, they are its name ("(Ivan Petrov)
            # ivan@example.ru", as "ivan@example.ru (Ivan Petrov)")
            lead = _LEADING_COMMENTS.match(str(mailbox))
            text = str(mailbox)[lead.end():] if lead else str(mailbox)
            old = _COMMENT_AFTER.match(text) or _NAME_AFTER.match(text)
            if old:
                name = _name_text(old.group("name"), fallback)
            elif lead and "<" not in text and (comment := _LEAD_COMMENT_TEXT.sub(" ", lead.group(0)).strip()):
                name = _name_text(comment, fallback)
            else:
                name = ""
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
            # A comment between them ("andris@tr.ee (reinman) andris") gives way to the words.
            raw_addr = raw_addr.replace(joined.group(1) + joined.group(2), f"{joined.group(1)} {joined.group(2)}")
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
