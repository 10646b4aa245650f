"""What a customer forwards from a colleague is the customer's own report.

A mail that says "пересылаю" and carries the duty engineer's message below counts that
message towards the four items; a quote of our own reply never does. The quoted history is
read block by block: a separator ("-------- Пересылаемое сообщение --------", "Begin
forwarded message:", "-----Original Message-----"), its header lines (От/From, Дата/Date,
Кому/To, Тема/Subject), then the body up to the next separator or quoted line. A block
counts only when its sender is known and is not at one of our own domains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*)?(?:original\s+message|исходное\s+сообщение|forwarded\s+message|begin\s+forwarded\s+message|"
    r"пересылаемое\s+сообщение|перенаправленное\s+сообщение|пересланное\s+сообщение|"
    r"начало\s+пересылаемого\s+сообщения|начало\s+переадресованного\s+сообщения)\s*(?:-+|:)?\s*$"
    r"|^\s*_{20,}\s*$",  # Outlook's rule above its From/Sent/To/Subject block
    re.IGNORECASE,
)
_HEADER = re.compile(
    r"^\s*\*?(?P<key>from|от|sent|date|дата|отправлено|to|кому|cc|копия|subject|тема)\s*:\*?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_SENDER_KEYS = frozenset({"from", "от"})
_ADDRESS = re.compile(r"[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)")
# Where a forwarded body ends: a quoted line or an attribution ("… написал:", "… wrote:").
_BODY_END = re.compile(r"^\s*\w{0,3}>|^.{0,200}\b(?:wrote|написал\w*|пишет|писал\w*)\s*:\s*$", re.IGNORECASE)


def _blocks(lines: list[str]) -> Iterable[tuple[str | None, list[str]]]:
    """(sender domain, body lines) of each forwarded or quoted message block."""
    i = 0
    while i < len(lines):
        if not _SEPARATOR.match(lines[i]):
            i += 1
            continue
        i += 1
        domain: str | None = None
        while i < len(lines) and (_HEADER.match(lines[i]) or not lines[i].strip()):
            header = _HEADER.match(lines[i])
            if header and header["key"].lower() in _SENDER_KEYS:
                address = _ADDRESS.search(header["value"])
                domain = address["domain"].lower() if address else None
            i += 1
        body: list[str] = []
        while i < len(lines) and not _SEPARATOR.match(lines[i]) and not _BODY_END.match(lines[i]):
            body.append(lines[i])
            i += 1
        yield domain, body


def forwarded_text(quoted: str, *, own_domains: Sequence[str]) -> str:
    """The bodies of the messages forwarded from the customer's side, joined; "" if none."""
    ours = tuple(domain.lower() for domain in own_domains)
    kept = [
        "\n".join(body).strip()
        for domain, body in _blocks(quoted.splitlines())
        if domain is not None and not any(domain == own or domain.endswith("." + own) for own in ours)
    ]
    return "\n\n".join(part for part in kept if part)
