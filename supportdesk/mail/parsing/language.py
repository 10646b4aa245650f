"""A small, robust language guess: the script decides, a few stop words split Latin ones."""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_UKRAINIAN = re.compile(r"[іїєґ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_WORD = re.compile(r"[a-zäöüßéèêàçñ]+", re.IGNORECASE)
_STOP = {
    "de": {"und", "der", "die", "das", "ist", "nicht", "mit", "ich", "sie", "für", "bitte"},
    "fr": {"le", "la", "les", "est", "et", "une", "des", "pas", "pour", "vous", "merci"},
    "es": {"el", "los", "las", "es", "por", "una", "para", "gracias", "que", "con"},
    "en": {"the", "and", "is", "to", "of", "not", "with", "you", "for", "please", "this"},
}


def detect_language(text: str) -> str | None:
    """'ru', 'uk', 'en', 'de', 'fr', 'es' or None when there is no text to judge."""
    sample = text[:4000]
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    if cyr + lat < 3:
        return None
    if cyr >= 0.3 * (cyr + lat):
        return "uk" if len(_UKRAINIAN.findall(sample)) > 0.02 * cyr else "ru"
    words = [w.lower() for w in _WORD.findall(sample[:2000])]
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > scores["en"] else "en"
