"""Classes of real-world mail the parser once got wrong (issue 15), each pinned by a minimal
example written for the test (the corpora in ../shared/corpora only measured them)."""

from __future__ import annotations

from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.charsets import decode_bytes
from supportdesk.mail.parsing.repair import repair_header_block

HEAD = b"From: Ivan <ivan@example.ru>\nTo: support@example.com\nSubject: Test\n"


# --- header block damage -------------------------------------------------------------------

def test_a_stray_line_before_the_headers_is_skipped() -> None:
    raw = b"---- Original message ----\n" + HEAD + b"Content-Type: text/plain\n\nHello\n"
    p = parse_mail(raw)
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Test", "Hello")
    assert any("stray line" in d for d in p.defects)


def test_a_continuation_line_without_indent_stays_in_its_header() -> None:
    raw = (b"Received: from mx.example.ru\nby relay.example.com with ESMTP\nfor <support@example.com>;\n"
           + HEAD + b"\nHello\n")
    p = parse_mail(raw)
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Test", "Hello")


def test_a_body_without_headers_is_left_alone() -> None:
    raw = b"Just some text\nwithout any header\n\nand a second paragraph\n"
    assert repair_header_block(raw) == (raw, [])
    assert "second paragraph" in parse_mail(raw).text


def test_an_mbox_from_line_is_not_taken_for_garbage() -> None:
    raw = b"From ivan@example.ru Mon Mar  2 10:00:00 2026\n" + HEAD + b"\nHello\n"
    repaired, defects = repair_header_block(raw)
    assert repaired == raw and defects == []
    assert parse_mail(raw).subject == "Test"


# --- charsets --------------------------------------------------------------------------------

def test_iso_8859_1_label_on_windows_1252_text() -> None:
    text = "Grüße – “Angebot” für 5 €"
    assert decode_bytes(text.encode("cp1252"), "iso-8859-1")[0] == text
    assert decode_bytes("Grüße".encode("latin-1"), "iso-8859-1")[0] == "Grüße"


def test_gb2312_label_on_gbk_text() -> None:
    text = "测试邮件 镕 喆"  # the last two are GBK, not GB2312
    assert decode_bytes(text.encode("gbk"), "gb2312")[0] == text


def test_iso_2022_jp_with_cp932_extensions() -> None:
    # CP50221 writes the NEC circled digit ① (JIS row 13) inside an ESC $ B run.
    raw = b"\x1b$B-!\x1b(B1 \x1b$B$3$s$K$A$O\x1b(B"
    assert decode_bytes(raw, "iso-2022-jp")[0] == "①1 こんにちは"
    assert decode_bytes("こんにちは".encode("iso2022_jp"), "ISO-2022-JP")[0] == "こんにちは"


def test_shift_jis_bytes_under_an_iso_2022_jp_label() -> None:
    assert decode_bytes("ツール".encode("cp932"), "iso-2022-jp")[0] == "ツール"


def test_iso_2022_jp_html_part_is_text_not_binary() -> None:
    html = "<p>今なら無料</p>".encode("iso2022_jp")
    raw = HEAD + b"Content-Type: text/html; charset=iso-2022-jp\n\n" + html + b"\n"
    p = parse_mail(raw)
    assert "今なら無料" in p.text and not p.attachments


def test_undeclared_cut_utf8_is_not_read_as_a_single_byte_charset() -> None:
    data = "Отчёт о сбое эфира".encode()[:-1]
    text, charset, _defect = decode_bytes(data, None)
    assert charset == "utf-8" and text.startswith("Отчёт о сбое эфир")


# --- broken From headers ---------------------------------------------------------------------

def _sender(from_value: str, extra: bytes = b"") -> tuple[str | None, str]:
    p = parse_mail(b"From: " + from_value.encode() + b"\n" + extra + b"Subject: x\n\nHello\n")
    return p.from_addr, p.from_name


def test_an_empty_from_falls_back_to_reply_to() -> None:
    assert _sender('"=?utf-8?B?0JjQstCw0L0=?=" <>', b"Reply-To: <ivan@example.ru>\n") == ("ivan@example.ru", "Иван")


def test_a_trailing_dot_is_not_part_of_the_domain() -> None:
    assert _sender("Ivan <Ivan@Example.ru.>")[0] == "ivan@example.ru"
    assert _sender("ivan@example.ru.")[0] == "ivan@example.ru"


def test_a_display_name_that_is_an_address() -> None:
    assert _sender("ivan@example.ru <support-robot@example.org>") == ("support-robot@example.org", "ivan@example.ru")
    assert _sender("a@example.ru, Ivan <ivan@example.ru>")[0] == "a@example.ru"  # two addresses: the first


def test_unquoted_words_before_a_bare_address_are_its_name() -> None:
    assert _sender("Ivan Petrov ivan@example.ru") == ("ivan@example.ru", "Ivan Petrov")


def test_a_mailer_daemon_without_domain_is_kept() -> None:
    assert _sender("MAILER-DAEMON (Mail Delivery System)") == ("mailer-daemon", "Mail Delivery System")


def test_a_quoted_local_part_is_an_address() -> None:
    assert _sender('"Ivan Petrov"@example.ru')[0] == '"ivan petrov"@example.ru'
