"""Text → search terms, the same on every database (pure: no Django).

Both databases index the *normalised terms* computed here, not raw text: SQLite's
FTS5 and PostgreSQL's ``simple`` text search configuration only split on spaces
and match whole terms, so a query finds exactly the same documents on both.

Normalisation of one word:
1. lower case, ``ё`` → ``е``;
2. Snowball stem (PyStemmer): Russian for Cyrillic words, English for Latin words;
   numbers are kept as they are;
3. a vowel-final Russian stem loses that vowel when at least four letters remain.
   Snowball leaves the thematic vowel on many verb forms ("работает" → "работа",
   "запускается" → "запуска") while the nouns lose it ("работы" → "работ",
   "запуск" → "запуск"); without step 3 "не работает звук" would not find
   "работа звука". Both the index and the query go through the same steps.
Stop words (Snowball's Russian and English lists, shortened) are dropped.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[0-9a-zа-яё]+", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_VOWELS = "аеиоуыэюяь"
MAX_WORD = 40

RU_STOP = frozenset("""
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот
от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять
уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб
без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом
один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть
после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой
перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это так также здравствуйте
добрый день спасибо пожалуйста уважаемые уважаемый коллеги
""".split())
EN_STOP = frozenset("""
a an and are as at be but by for if in into is it no not of on or such that the their then there these
they this to was will with i you we he she my our your me us do does did have has had hello hi thanks please
""".split())


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def words(text: str) -> Iterator[re.Match[str]]:
    """The words of ``text`` with their positions (for snippets)."""
    return _WORD.finditer(text)


@lru_cache(maxsize=200_000)
def normalise_word(word: str) -> str:
    """One word's search term, or "" for a stop word."""
    w = word.lower().replace("ё", "е")[:MAX_WORD]
    if _CYRILLIC.search(w):
        if w in RU_STOP:
            return ""
        stem = _stemmer("russian").stemWord(w)
        if len(stem) > 4 and stem[-1] in _VOWELS:
            stem = stem[:-1]
        return stem
    if _LATIN.search(w):
        if w in EN_STOP:
            return ""
        return _stemmer("english").stemWord(w)
    return w


def terms(text: str) -> list[str]:
    """Every term of ``text`` in order (repeats kept: they count for ranking). The words and
    their (cached) terms are taken in C: a long body has thousands of words."""
    return [term for term in map(normalise_word, _WORD.findall(text)) if term]


def index_text(text: str) -> str:
    """What the index stores: the terms joined by spaces."""
    return " ".join(terms(text))


def query_terms(query: str, *, limit: int = 40) -> list[str]:
    """Distinct terms of a query, first occurrence first, at most ``limit``."""
    seen: dict[str, None] = {}
    for term in terms(query):
        seen.setdefault(term, None)
        if len(seen) >= limit:
            break
    return list(seen)


@lru_cache(maxsize=8192)
def term_counts(stored: str) -> tuple[Mapping[str, int], int]:
    """(how often each term occurs, how many terms) of stored (space-separated) terms.

    Cached by content, and shared: never change the mapping. The suggestions for every
    new request rank the same articles again."""
    counts = Counter(stored.split())
    return counts, sum(counts.values())


@dataclass(frozen=True)
class DocStats:
    """What the ranker needs of a candidate: its title and body terms."""

    title: str
    body: str


def bm25_scores(docs: dict[int, DocStats], query: Iterable[str], *, total_docs: int,
                title_weight: float = 3.0, k1: float = 1.2, b: float = 0.75) -> dict[int, float]:
    """BM25F over the candidates: title terms count ``title_weight`` times.

    Document frequencies are taken from the candidates, which is exact when the
    candidates are all documents containing any query term (an OR query), and
    harmless for AND queries (every term then has the same frequency). Term frequencies
    come from each document's term counts (the query terms it holds, found by set
    intersection), not from a scan of its text per query term.
    """
    qterms = list(dict.fromkeys(query))
    if not docs or not qterms:
        return {}
    wanted = frozenset(qterms)
    lengths: dict[int, float] = {}
    tfs: dict[str, dict[int, float]] = {term: {} for term in qterms}
    for pk, d in docs.items():
        (title, title_len), (body, body_len) = term_counts(d.title), term_counts(d.body)
        lengths[pk] = title_weight * title_len + body_len + 1
        for term in (title.keys() & wanted) | (body.keys() & wanted):
            tfs[term][pk] = title_weight * title.get(term, 0) + body.get(term, 0)
    avg = sum(lengths.values()) / len(lengths)

    scores: dict[int, float] = dict.fromkeys(docs, 0.0)
    n = max(total_docs, len(docs))
    for term in qterms:  # in query order: the float sums come out the same every time
        per_doc = tfs[term]
        df = len(per_doc)
        if not df:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for pk, tf in per_doc.items():
            norm = k1 * (1 - b + b * lengths[pk] / avg)
            scores[pk] += idf * tf * (k1 + 1) / (tf + norm)
    return scores


def matched_terms(doc: DocStats, query: Iterable[str]) -> int:
    """How many distinct query terms the document holds."""
    wanted = set(query)
    return len((term_counts(doc.title)[0].keys() & wanted) | (term_counts(doc.body)[0].keys() & wanted))


def snippet_html(text: str, query: Iterable[str], *, width: int = 200) -> str:
    """An escaped excerpt of ``text`` around the densest run of query terms, the
    matching words wrapped in ``<mark>``. Plain escaped start of text if nothing matches."""
    wanted = set(query)
    hits = [(m.start(), m.end()) for m in _WORD.finditer(text) if normalise_word(m.group()) in wanted]
    if not hits:
        cut = text[:width]
        return html.escape(cut.strip()) + ("…" if len(text) > width else "")
    best_start, best_count = hits[0][0], 0
    for i, (start, _end) in enumerate(hits):
        count = sum(1 for s, _e in hits[i:] if s < start + width)
        if count > best_count:
            best_start, best_count = start, count
    begin = max(0, best_start - width // 4)
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    end = min(len(text), begin + width)
    while end < len(text) and not text[end].isspace() and end - begin < width + 30:
        end += 1
    parts, pos = [], begin
    for start, stop in hits:
        if start < begin or stop > end:
            continue
        parts.append(html.escape(text[pos:start]))
        parts.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        pos = stop
    parts.append(html.escape(text[pos:end]))
    body = " ".join("".join(parts).split())
    return ("…" if begin > 0 else "") + body + ("…" if end < len(text) else "")
