"""The completeness check of rule 5: which of the four items a request contains."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from supportdesk.checklist.description import describe_evidence
from supportdesk.checklist.forwarded import forwarded_text
from supportdesk.checklist.model import AttachmentInfo, ChecklistResult, ProductSpec
from supportdesk.checklist.question import question_evidence
from supportdesk.checklist.settings import settings_evidence
from supportdesk.checklist.steps import steps_evidence
from supportdesk.checklist.text import normalise, words
from supportdesk.checklist.versions import VersionHit, find_mentions, find_version

# A reply's subject is the thread's, not news from the customer.
_REPLY_SUBJECT = re.compile(r"^\s*(?:re|ответ|aw|sv|antw)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)


def _file_name_text(filename: str) -> str:
    """A file name read as words: "ForwardTS_6.2.1_log.txt" -> "ForwardTS 6.2.1 log"."""
    stem = filename.rsplit(".", 1)[0] if re.search(r"\.[A-Za-z]\w{0,4}$", filename) else filename
    return re.sub(r"[_+]+", " ", stem)


def _attachment_texts(attachments: Sequence[AttachmentInfo]) -> list[str]:
    """What the attachments say: each name, then each text content."""
    return [_file_name_text(a.filename) for a in attachments] + [a.text or "" for a in attachments]


def _version(
    subject: str, text: str, attachments: Sequence[AttachmentInfo], products: Sequence[ProductSpec]
) -> VersionHit | None:
    for source in (subject, text, *_attachment_texts(attachments)):
        hit = find_version(source, products)
        if hit is not None:
            if hit.product is None:
                # A labelled version belongs to the product the customer names, or to the
                # one named in the same file (an SLBoardInfo report names its board).
                for context in (subject, text, source):
                    mentions = find_mentions(normalise(context), products)
                    if mentions:
                        return VersionHit(hit.version, mentions[0].product, hit.snippet)
            return hit
    return None


def _first_product(
    subject: str, text: str, attachments: Sequence[AttachmentInfo], products: Sequence[ProductSpec]
) -> ProductSpec | None:
    """The first product the customer names; failing that, the one an attachment names
    (a log written by ForwardTS.exe)."""
    for source in (subject + "\n" + text, *_attachment_texts(attachments)):
        mentions = find_mentions(normalise(source), products)
        if mentions:
            return mentions[0].product
    return None


def _product_words(text: str, products: Sequence[ProductSpec]) -> set[str]:
    found: set[str] = set()
    for mention in find_mentions(text, products):
        found.update(words(text[mention.start : mention.end]))
    return found


def check_request(
    *,
    text: str,
    subject: str = "",
    attachments: Sequence[AttachmentInfo] = (),
    products: Sequence[ProductSpec],
    quoted: str = "",
    own_domains: Sequence[str] = (),
) -> ChecklistResult:
    """Decide, for each item of rule 5, whether the request holds it.

    ``text`` is the customer's new text only: the caller strips quoted history first and may
    pass it as ``quoted``, where messages forwarded from senders outside ``own_domains`` (the
    customer's colleagues) count as the customer's text and quotes of our replies do not.
    """
    forwarded = forwarded_text(quoted, own_domains=own_domains) if quoted else ""
    if forwarded:
        text = text.rstrip() + "\n\n" + forwarded
    body = normalise(text)
    described_in = body if _REPLY_SUBJECT.match(subject) else normalise(subject) + "\n" + body
    description = describe_evidence(described_in, _product_words(described_in, products))
    steps = steps_evidence(body)
    settings = settings_evidence(body, attachments)
    version = _version(subject, text, attachments, products)
    product = version.product if version and version.product else None
    product = product or _first_product(subject, text, attachments, products)

    evidence: dict[str, str] = {}
    if description:
        evidence["description"] = description[:160]
    if steps:
        evidence["steps"] = steps[:160]
    if version:
        evidence["version"] = version.snippet[:160]
    if settings:
        evidence["settings"] = settings[:160]
    question = None if description or steps else question_evidence(normalise(subject), body)
    if question:
        evidence["question"] = question[:160]
    present = {
        "description": description is not None,
        "steps": steps is not None,
        "version": version is not None,
        "settings": settings is not None,
    }
    # A question is not asked for the steps to a problem or for settings (it has neither).
    needed = ("description", "version") if question else ("description", "steps", "version", "settings")
    return ChecklistResult(
        description=present["description"],
        steps=present["steps"],
        version=version.version if version else None,
        product=product.name if product else None,
        product_key=product.key if product else None,
        settings=present["settings"],
        missing=tuple(key for key in needed if not present[key]),
        evidence=evidence,
        question=question is not None,
    )


def checklist_json(result: ChecklistResult) -> dict[str, Any]:
    """The shape `supportdesk mail check FILE --json` prints."""
    return {
        "description": result.description,
        "steps": result.steps,
        "version": result.version,
        "product": result.product,
        "settings": result.settings,
        "missing": list(result.missing),
        "question": result.question,
    }
