"""``@username`` mentions in an agent's note (pure)."""

from __future__ import annotations

import re

# Django user names: letters, digits and @ . + - _. A mention starts after a space, a bracket
# or the start of the text (not inside an e-mail address), and a sentence's final dot or
# dash is not part of it.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]{1,150})")


def mentioned_usernames(text: str) -> list[str]:
    """The user names mentioned in ``text``, lower-cased, in order, each once."""
    found: list[str] = []
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".-").lower()
        if name and name not in found:
            found.append(name)
    return found
