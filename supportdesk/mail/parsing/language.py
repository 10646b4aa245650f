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


# Scripts of other languages, each with the language it most likely is (a Japanese text holds
# Han as well as kana: any kana makes a Han text Japanese).
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)


def detect_language(text: str) -> str | None:
    """'ru', 'uk', 'en', 'de', 'fr', 'es', a language told by its script ('ja', 'ko', 'zh',
    'ar', 'he', 'el', 'th') or None when there is no text to judge."""
    sample = text[:4000]
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    # A character of these scripts says about what a word of 2-3 Latin letters says.
    counts = {lang: len(pattern.findall(sample)) for lang, pattern in _SCRIPTS}
    others = sum(counts.values())
    if others >= 3 and 2 * others > cyr + lat:
        best = max(counts, key=lambda k: counts[k])
        return "ja" if best == "zh" and counts["ja"] else best
    if cyr + lat < 3:
        return None
    if cyr >= 0.3 * (cyr + lat):
        return "uk" if len(_UKRAINIAN.findall(sample)) > 0.02 * cyr else "ru"
    words = [w.lower() for w in _WORD.findall(sample[:2000])]
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > scores["en"] else "en"
