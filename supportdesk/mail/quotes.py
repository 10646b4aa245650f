"""Which ticket a reply quotes: the quoted history's own lines, looked for in a ticket's messages.

A reply with no threading headers ("Re:" typed by hand, a webmail that drops them) still
quotes what it answers. When a sender has several open tickets with the same subject, or
answers a colleague's ticket from a public mailbox, the quote says which one:

    lines = quoted_lines(reply_text[quoted_start:])     # normalised, distinctive lines
    quote_score(lines, searchable(ticket_text))           # how many of them the ticket holds

Pure functions; the routing (``routing.ticket_by_subject``) reads the candidates' texts.
Mail clients re-wrap quoted paragraphs, so texts are compared with all whitespace folded:
a quoted line is then a substring of the original wherever the client broke it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from supportdesk.mail.parsing.body import is_quote_header

_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_WS = re.compile(r"\s+")
MIN_LINE = 20  # shorter lines ("Добрый день.", "Виктор") say nothing about which ticket
MAX_LINES = 12


def _fold(text: str) -> str:
    return _WS.sub(" ", text).strip().casefold()


def searchable(text: str) -> str:
    """A message text as quotes are looked for in it: quote marks dropped, whitespace folded."""
    return _fold(_MARKS.sub("", text))


def quoted_lines(quoted: str) -> tuple[str, ...]:
    """The distinctive lines of quoted history, folded, first ones first, no repeats. Lines
    about the quote (separator, attribution, Outlook's From/Sent/To block) are not its text:
    every reply in a thread repeats them."""
    out: list[str] = []
    for line in quoted.splitlines():
        unmarked = _MARKS.sub("", line)
        folded = _fold(unmarked)
        if len(folded) >= MIN_LINE and folded not in out and not is_quote_header(unmarked):
            out.append(folded)
            if len(out) >= MAX_LINES:
                break
    return tuple(out)


def quote_score(lines: Sequence[str], text: str) -> int:
    """How many of the quoted lines a (``searchable``) text contains."""
    return sum(1 for line in lines if line in text)


def strong_score(lines: Sequence[str]) -> int:
    """The score that identifies a ticket by the quote alone: at least two lines and half of them."""
    return max(2, (len(lines) + 1) // 2)


def pick_by_quote(candidates: Sequence[int], lines: Sequence[str], texts: Mapping[int, str],
                  *, min_score: int = 1) -> int | None:
    """The candidate whose text holds most of the quote (the earlier one on a tie), if it
    reaches ``min_score``; candidates come in order of preference."""
    best, best_score = None, 0
    for pk in candidates:
        score = quote_score(lines, texts.get(pk, ""))
        if score > best_score:
            best, best_score = pk, score
    return best if best_score >= max(min_score, 1) else None
