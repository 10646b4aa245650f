"""Attachment names from every place a mailer puts them, one minimal .eml per class of failure
(tests/cases/, written for these tests): kept exactly, never garbled, never lost; and bodies
that real servers damage (a footer after base64 data)."""

from __future__ import annotations

import binascii
from pathlib import Path

import pytest

from supportdesk.mail.parsing import ParsedMail, parse_mail
from supportdesk.mail.parsing.headers import decode_header_text
from supportdesk.mail.parsing.parts import (
    clean_filename,
    described_name,
    split_uuencoded,
    subject_filename,
    tnef_files,
)

NAMES = Path(__file__).parent / "cases"


def parsed(name: str) -> ParsedMail:
    return parse_mail((NAMES / f"{name}.eml").read_bytes())


def names(name: str) -> list[str]:
    return [a.filename for a in parsed(name).attachments]


@pytest.mark.parametrize(("eml", "expected"), [
    # RFC 2231 continuations with a charset, a UTF-8 character split between two sections;
    # the extended name wins over its ASCII stand-in, double spaces kept.
    ("rfc2231_continuations", ["Отчет  за май.pdf"]),
    # RFC 2231 in Content-Type's name only, in KOI8-R.
    ("rfc2231_koi8r_name_only", ["Договор поставки.doc"]),
    # RFC 2047 in name= (Outlook), a multi-byte character split over two folded encoded words.
    ("rfc2047_in_name", ["Скриншот ошибки  №2.png"]),
    # filename= with '?' for each letter the mailer could not encode; name= kept them.
    ("question_mark_placeholder", ["Счет 15.pdf"]),
    # UTF-8 cut inside the last character: the whole characters, no mojibake.
    ("truncated_utf8", ["Акт сверк"]),
    # Content-Description: a file name as such, a title with the type's extension.
    ("content_description", ["settings.xml", "Undelivered Message Headers.txt", "Screenshot.png"]),
    # An attached message: its subject exactly (RFC 2047 decoded, double space and slash kept).
    ("attached_message_subject", ["Re:  A/B тест.eml"]),
    # The same message sent base64-encoded (forbidden by RFC 2046, done by real servers).
    ("attached_message_base64", ["Re:  A/B тест.eml"]),
    # uuencoded file inside a plain-text body.
    ("uuencoded_body", ["log  2026-03-05.bin"]),
    # The inline image of the HTML alternative that is not the one shown.
    ("alternative_image", ["shot.png"]),
    # Outlook's winmail.dat (TNEF): kept, and the file inside it (a cp1251 name) added.
    ("tnef_winmail", ["winmail.dat", "Отчет за май.xlsx"]),
    # A quoted name folded at a space: unfolding removes the line break only.
    ("folded_quoted_name", ["Contract  2026 with Forward TV.pdf"]),
])
def test_attachment_names(eml: str, expected: list[str]) -> None:
    assert names(eml) == expected


def test_every_name_file_is_tested() -> None:
    tested = {"rfc2231_continuations", "rfc2231_koi8r_name_only", "rfc2047_in_name", "question_mark_placeholder",
              "truncated_utf8", "content_description", "attached_message_subject", "attached_message_base64",
              "uuencoded_body", "alternative_image", "folded_quoted_name", "base64_footer",
              "tnef_winmail"}
    assert {p.stem for p in NAMES.glob("*.eml")} == tested


def test_uuencoded_file_content_and_text() -> None:
    p = parsed("uuencoded_body")
    (att,) = p.attachments
    assert att.content == bytes(range(200))
    assert att.content_type == "application/octet-stream"
    assert "The log:" in p.text and "Ivan" in p.text  # the text an agent reads is kept as sent


def test_attached_base64_message_is_read_as_a_message() -> None:
    p = parsed("attached_message_base64")
    assert "Текст пересланного письма." in p.text
    assert "structure: attached message in base64" in p.defects
    assert p.attachments[0].content.startswith(b"From: Petr")


def test_split_uuencoded_leaves_broken_blocks_alone() -> None:
    text = "begin 644 notes.txt\nthis is prose, not uuencode {}\nend\n"
    assert split_uuencoded(text) == (text, [])
    encoded = binascii.b2a_uu(b"hello").decode()
    rest, files = split_uuencoded(f"a\nbegin 600 a b.txt\n{encoded}`\nend\nb\n")
    assert files == [("a b.txt", b"hello")] and rest == "a\n\nb\n"


@pytest.mark.parametrize(("description", "ctype", "expected"), [
    ("Delivery report", "message/delivery-status", ("Delivery report.txt", True)),
    ("report.pdf", "application/octet-stream", ("report.pdf", False)),
    ("=?utf-8?B?0KHQutGA0LjQvQ==?=", "image/png", ("Скрин.png", True)),
    (None, "image/png", ("image.png", True)),
    ("x" * 300, "image/png", ("image.png", True)),
])
def test_described_name(description: str | None, ctype: str, expected: tuple[str, bool]) -> None:
    assert described_name(description, ctype) == expected


def test_a_name_folded_with_a_tab_keeps_a_space() -> None:
    assert clean_filename("Very long name of the\n\tfile.pdf") == "Very long name of the file.pdf"


def test_subject_filename_keeps_the_subject() -> None:
    assert subject_filename("Re:  A/B\ttest") == "Re:  A/B test.eml"
    assert subject_filename("  ") == ""
    assert decode_header_text("a\r\n  b", keep_spaces=True) == "a  b"


def test_text_after_base64_data_is_text_and_no_garbage_in_files() -> None:
    p = parsed("base64_footer")
    assert p.text.startswith("Здравствуйте, после обновления пропал звук.")
    assert "This message was scanned for viruses by MailGate." in p.text
    (pdf,) = p.attachments
    assert (pdf.filename, pdf.content) == ("log.pdf", b"%PDF-1.4 minimal")


def test_tnef_file_content_and_a_broken_winmail_dat() -> None:
    files = parsed("tnef_winmail").attachments
    assert files[1].content == b"PK\x03\x04 xlsx data"
    defects: list[str] = []
    assert tnef_files(b"not a TNEF stream", defects) == [] and defects == ["attachment: unreadable winmail.dat"]
