"""Every ugly .eml of the corpus parses to its expected values (see corpus/make_corpus.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from supportdesk.mail.parsing import ParsedMail, parse_mail, parsed_mail_json

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_corpus_is_large_and_complete() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert len(files) >= 60
    assert files == sorted(EXPECTED)


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedMail]:
    return {name: parse_mail((CORPUS / name).read_bytes()) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str, parsed: dict[str, ParsedMail]) -> None:
    exp = EXPECTED[name]
    p = parsed[name]
    assert p.from_addr == exp["from_addr"]
    if exp.get("from_name") is not None:
        assert p.from_name == exp["from_name"]
    if exp.get("subject") is not None:
        assert p.subject == exp["subject"]
    for key in ("probe", "probe2"):
        if exp.get(key):
            assert exp[key] in p.text
    assert [a.filename for a in p.attachments] == exp["attachments"]
    assert all(a.size == len(a.content) for a in p.attachments)
    assert p.is_auto_reply is exp["is_auto_reply"], p.auto_reply_reason
    assert p.is_bounce is exp["is_bounce"]
    assert p.is_robot is (exp["is_auto_reply"] or exp["is_bounce"])
    assert p.is_spam is exp.get("is_spam", False)
    for key in ("bounced_message_id", "bounced_recipient", "in_reply_to", "message_id", "date"):
        if key in exp:
            assert getattr(p, key) == exp[key]
    if "references" in exp:
        assert list(p.references) == exp["references"]
    assert p.utc_offset == exp["utc_offset"]
    assert p.language == exp["language"]
    assert (p.quoted_start is not None) is exp.get("quoted", False), p.text[p.quoted_start or 0 :][:80]
    if exp.get("signature"):
        assert p.signature_start is not None
        assert p.quoted_start is None or p.signature_start < p.quoted_start
    for s in exp.get("new_text_absent", []):
        assert s not in p.new_text
    for s in exp.get("text_absent", []):
        assert s not in p.text
    if exp.get("html"):
        assert p.html_sanitised is not None
    for s in exp.get("html_absent", []):
        assert p.html_sanitised is not None and s not in p.html_sanitised
    for inline in exp.get("inline", []):
        assert next(a for a in p.attachments if a.filename == inline).is_inline
    if exp.get("defects"):
        assert p.defects
    assert "\ufffd" not in p.subject
    if p.language == "ru":
        assert "\ufffd" not in p.text
    assert json.loads(json.dumps(parsed_mail_json(p)))["subject"] == p.subject
