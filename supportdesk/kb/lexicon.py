"""The suggestion lexicon: synonym groups across slang, jargon and the two languages, and the
patterns telling a request that no troubleshooting article answers (pure: no Django).

The data lives in ``data/lexicon.toml`` so support staff can extend it without code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from supportdesk.search.text import normalise_word, terms

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.toml"


@dataclass(frozen=True)
class Lexicon:
    # term -> the other terms of every group it belongs to
    related: dict[str, frozenset[str]]
    commercial: tuple[re.Pattern[str], ...]
    feature: tuple[re.Pattern[str], ...]
    problem: tuple[re.Pattern[str], ...]
    other: tuple[re.Pattern[str], ...] = ()  # no request for help: a meeting, documents, thanks
    not_a_fault: tuple[re.Pattern[str], ...] = ()  # removed before looking for a problem

    def expand(self, query: Iterable[str]) -> list[str]:
        """The terms the synonym groups add to ``query`` (none of its own), in a stable order."""
        own = list(dict.fromkeys(query))
        seen = set(own)
        extra: list[str] = []
        for term in own:
            for other in sorted(self.related.get(term, ())):
                if other not in seen:
                    seen.add(other)
                    extra.append(other)
        return extra

    def asks_no_troubleshooting(self, text: str) -> bool:
        """A purchase, price, training or feature-wish request, or no request for help at all,
        that reports no problem."""
        low = " ".join(text.lower().replace("ё", "е").split())
        wants = any(p.search(low) for p in (*self.commercial, *self.feature, *self.other))
        if not wants:
            return False
        for phrase in self.not_a_fault:
            low = phrase.sub(" ", low)
        return not any(p.search(low) for p in self.problem)


def _group_terms(words: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for word in words:
        found.update(terms(word) or [normalise_word(word)])
    found.discard("")
    return frozenset(found)


def parse_lexicon(raw: dict[str, object]) -> Lexicon:
    synonyms = raw.get("synonyms", {})
    groups = synonyms.get("groups", []) if isinstance(synonyms, dict) else []
    related: dict[str, set[str]] = {}
    for group in groups:
        members = _group_terms(str(w) for w in group)
        for term in members:
            related.setdefault(term, set()).update(members - {term})
    intent = raw.get("intent", {})
    intent = intent if isinstance(intent, dict) else {}

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(str(p)) for p in intent.get(key, []))

    return Lexicon(related={t: frozenset(r) for t, r in related.items()}, commercial=patterns("commercial"),
                   feature=patterns("feature"), problem=patterns("problem"), other=patterns("other"),
                   not_a_fault=patterns("not_a_fault"))


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    with open(path, "rb") as fh:
        return parse_lexicon(tomllib.load(fh))
