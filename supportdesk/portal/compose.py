"""The request composer's output: a mail to the support address with the four items
of rule 5 as sections, as a ``mailto:`` URL (pure; no Django)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from supportdesk.policy.model import RequestItem

MAX_FIELD = 4000


@dataclass(frozen=True)
class ComposedMail:
    to: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        # RFC 6068: percent-encode everything, line breaks as %0D%0A.
        body = self.body.replace("\r\n", "\n").replace("\n", "\r\n")
        return f"mailto:{self.to}?subject={quote(self.subject, safe='')}&body={quote(body, safe='')}"


def item_title(item: RequestItem, language: str) -> str:
    title = item.title_en if language == "en" and item.title_en else item.title
    return title[:1].upper() + title[1:]


def compose_mail(*, to: str, subject: str, product_name: str, items: Sequence[RequestItem],
                 values: Mapping[str, str], language: str, product_label: str) -> ComposedMail:
    """The finished request: the product line, then one numbered section per item."""
    lines = []
    if product_name:
        lines += [f"{product_label}: {product_name}", ""]
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item_title(item, language)}:")
        lines.append((values.get(item.key) or "").strip()[:MAX_FIELD] or "—")
        lines.append("")
    return ComposedMail(to=to, subject=subject.strip()[:200], body="\n".join(lines).rstrip() + "\n")
