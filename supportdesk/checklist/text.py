"""Text helpers shared by the detectors: normalisation, clauses, Russian stems."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-zа-я0-9]+(?:[-'][a-zа-я0-9]+)*")
# Clause boundaries: sentence ends and line breaks (customers write one fact per line).
_CLAUSE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


def normalise(text: str) -> str:
    """Lower-case, ё→е, and one kind of quote and dash, so patterns stay simple."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[«»“”„\"]", '"', text)
    return re.sub(r"[–—]", "—", text)


def clauses(text: str) -> list[str]:
    return [part.strip() for part in _CLAUSE_SPLIT.split(text) if part.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("russian")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))
