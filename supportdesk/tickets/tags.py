"""Tag names: one normalised spelling per tag, so "SDI", " sdi " and "Sdi" are one tag."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext

TAG_MAX = 50
_SPACE = re.compile(r"\s+")
# A comma separates tags in the input box; "?", "&", "#", "/" would make the tag's queue link
# ambiguous or unreadable; control characters are never part of a name.
_FORBIDDEN = set(",;?&#/\\<>\"'`")


class BadTag(ValueError):
    pass


def normalize_tag(raw: str) -> str:
    """The stored form of a tag name: NFC, lower case, inner runs of spaces as one space.
    BadTag (with the reason) for an empty, too long or unusable name."""
    name = _SPACE.sub(" ", unicodedata.normalize("NFC", raw or "")).strip().lower()
    if not name:
        raise BadTag(gettext("A tag cannot be empty."))
    if len(name) > TAG_MAX:
        raise BadTag(gettext("A tag has at most %(n)s characters.") % {"n": TAG_MAX})
    for ch in name:
        if ch in _FORBIDDEN or unicodedata.category(ch).startswith("C"):
            shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
            raise BadTag(gettext("A tag cannot contain “%(char)s”.") % {"char": shown})
    return name


def split_tags(text: str) -> list[str]:
    """Comma-separated input as normalised names, in order, without repeats (BadTag for a bad one)."""
    names: list[str] = []
    for part in (text or "").split(","):
        if part.strip():
            name = normalize_tag(part)
            if name not in names:
                names.append(name)
    return names
