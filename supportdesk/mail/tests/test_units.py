"""Unit tests of the parsing building blocks: charsets, headers, body split, robots, HTML."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from supportdesk.lib.html import html_to_text, sanitize_html
from supportdesk.mail.management.commands.mail import Command
from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.addresses import parse_addresses
from supportdesk.mail.parsing.body import find_quoted_start, find_signature_start
from supportdesk.mail.parsing.charsets import decode_bytes, normalize_charset
from supportdesk.mail.parsing.headers import all_ids, decode_header_text, parse_date
from supportdesk.mail.parsing.language import detect_language
from supportdesk.mail.parsing.robots import detect_auto_reply, detect_spam

RU = [
    "Здравствуйте! После обновления программы перестал выводиться логотип.",
    "ПРОШУ СРОЧНО ПОМОЧЬ, ЭФИР СТОИТ",
    "Скриншот ошибки.png",
    "Вопрос",
]


@pytest.mark.parametrize("text", RU)
@pytest.mark.parametrize("real", ["windows-1251", "koi8-r", "cp866", "iso8859-5"])
@pytest.mark.parametrize("declared", [None, "koi8-r", "windows-1251", "iso-8859-1", "us-ascii", "x-unknown"])
def test_cyrillic_decodes_whatever_the_label_says(text: str, real: str, declared: str | None) -> None:
    decoded, _charset, _defect = decode_bytes(text.encode(real), declared)
    assert decoded == text


def test_lying_label_is_reported_as_defect() -> None:
    _text, charset, defect = decode_bytes(RU[0].encode("cp1251"), "koi8-r")
    assert charset == "windows-1251"
    assert defect is not None and "koi8-r" in defect


def test_western_text_is_not_turned_into_cyrillic() -> None:
    for text in ("Grüße aus München", "Café crème à la française, très élégant"):
        assert decode_bytes(text.encode("latin-1"), "iso-8859-1")[0] == text
        assert decode_bytes(text.encode("latin-1"), None)[0] == text


def test_a_few_latin_letters_keep_their_western_label() -> None:
    # Zeta Components' Pine and Gmail fixtures: Norwegian "æøå" under iso-8859-15 / ISO-8859-1
    # reads "жше" in windows-1251, a word's shape but no Russian word.
    for label in ("iso-8859-15", "ISO-8859-1"):
        assert decode_bytes("This is the body with æøå".encode("latin-1"), label) == (
            "This is the body with æøå", "iso8859-15" if label.endswith("15") else "latin-1", None)


@pytest.mark.parametrize("word", ["Счет", "КП", "ТЗ", "скан", "НДС"])
def test_a_short_russian_word_still_overrules_a_western_label(word: str) -> None:
    assert decode_bytes(f"Re: {word}".encode("cp1251"), "iso-8859-1")[0] == f"Re: {word}"


def test_charset_aliases_and_garbage_labels() -> None:
    assert normalize_charset("win-1251") == "windows-1251"
    assert normalize_charset("KOI8") == "koi8-r"
    assert normalize_charset("no-such-charset") == ""
    assert normalize_charset("utf\x00-8") == ""
    assert normalize_charset(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?koi8-r?B?8NLPwszFzcE=?=", "Проблема"),
        ("Re:=?utf-8?B?0J/RgNC+?==?utf-8?B?0LHQu9C10LzQsA==?=", "Re:Проблема"),
        ("=?utf-8?B?0J/R?= =?utf-8?B?gNC+?=", "Про"),  # a character split across words
        ("=?utf-8?Q?a_b?=   =?utf-8?Q?c?=", "a bc"),
        ("plain\n\t folded   text", "plain folded text"),
        ("=?koi8-r?B?" + "z/Du4uXw6uA=" + "?=", "Проверка"),  # labelled koi8-r, really cp1251
        ("=?utf-8?B?broken", "=?utf-8?B?broken"),
    ],
)
def test_decode_header_text(raw: str, expected: str) -> None:
    assert decode_header_text(raw) == expected


def test_raw_8bit_header_is_guessed() -> None:
    raw = "Проблема с платой".encode("cp1251").decode("ascii", "surrogateescape")
    assert decode_header_text(raw) == "Проблема с платой"


def test_addresses_and_ids() -> None:
    pairs = parse_addresses(['"Smith, John" <J@X.com>, petr@x.ru', "bad <<a@@b>>"])
    assert pairs == [("Smith, John", "j@x.com"), ("", "petr@x.ru")]
    assert all_ids("<a@b> junk <c@d>\n <a@b>") == ("a@b", "c@d")


@pytest.mark.parametrize(
    ("value", "offset"),
    [
        ("Thu, 05 Mar 2026 10:15:00 +0300", 180),
        ("5 Mar 2026 14:15:00 +0700 (NOVT)", 420),
        ("Thu, 05 Mar 2026 02:15:00 -0500", -300),
        ("Thu, 05 Mar 2026 02:15:00 -0000", None),
        ("Thu, 05 Mar 2026 02:15:00 +9900", None),
    ],
)
def test_date_offsets(value: str, offset: int | None) -> None:
    when, minutes = parse_date(value)
    assert when is not None and when.utcoffset() is not None
    assert minutes == offset


def test_quoted_and_signature_positions() -> None:
    text = "Новый текст.\n\nС уважением,\nИван\n\n-----Original Message-----\nFrom: a\nSent: b\nTo: c\nSubject: d\n\nold"
    quoted = find_quoted_start(text)
    assert quoted is not None and text[quoted:].startswith("-----Original")
    sig = find_signature_start(text, quoted)
    assert sig is not None and text[sig:].startswith("С уважением")
    assert find_quoted_start("2 > 1, but this is not a quote\nand more text") is None


def test_robots_and_spam() -> None:
    assert detect_auto_reply({"auto-submitted": ["no"]}, "a@b.ru", "Hello") is None
    assert detect_auto_reply({"auto-submitted": ["auto-replied"]}, "a@b.ru", "Hello")
    assert detect_auto_reply({}, "MAILER-DAEMON@b.ru".lower(), "x")
    assert detect_auto_reply({}, "a@b.ru", "Автоматический ответ: Вопрос")
    assert detect_auto_reply({}, "a@b.ru", "Re: Автоответ на ваше письмо не нужен") is None
    assert detect_spam({"x-spam-flag": ["YES"]})
    assert detect_spam({"x-spam-status": ["No, score=1.0"]}) is None


def test_language() -> None:
    assert detect_language("Добрый день, не работает плата") == "ru"
    assert detect_language("Hello, the server does not start") == "en"
    assert detect_language("12345 ...") is None
    # Other scripts tell their language; a few Latin letters among them (a product name) do not.
    assert detect_language("Forward TS の字幕が SDI 出力に表示されません") == "ja"
    assert detect_language("Forward TS 字幕不显示在 SDI 输出上") == "zh"
    assert detect_language("Forward TS 자막이 표시되지 않습니다") == "ko"
    assert detect_language("الترجمة لا تظهر على مخرج SDI") == "ar"
    assert detect_language("Die Untertitel fehlen auf dem SDI-Ausgang, bitte helfen Sie mir") == "de"


def test_utf7_written_with_imaps_comma() -> None:
    # unicode-1-1-utf-7 as some Japanese mailers wrote it: ',' for '/' inside a shifted run
    text, charset, defect = decode_bytes("テストメール".encode("utf-7").replace(b"/", b","), "unicode-1-1-utf-7")
    assert (text, charset) == ("テストメール", "utf-7") and defect
    # standard UTF-7 ends a run at a comma: read as it is
    assert decode_bytes(b"Price +AKM-1, +AKM,2", "utf-7")[0] == "Price \u00a31, \u00a3,2"
    raw = ("Subject: =?unicode-1-1-utf-7?Q?" + "テストメール".encode("utf-7").decode().replace("/", ",") + "?=\n"
           "Content-Type: text/plain; charset=unicode-1-1-utf-7\n\n").encode() + "メールの本文".encode("utf-7").replace(b"/", b",")
    assert b"," in raw.split(b"\n\n")[1]
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.text.strip()) == ("テストメール", "メールの本文")
    # a megabyte of '+' then ',' (no run ever closed) is read as it is, in one pass: a search
    # that tried each '+' again would take hours
    body = b"+" * 500_000 + b"," + b"A" * 500_000
    assert decode_bytes(body, "utf-7") == (body.decode("ascii"), "ascii", None)


def test_html_sanitising_and_text() -> None:
    html = '<p onclick="x()">Привет<script>alert(1)</script></p><a href="javascript:x">a</a><img src="cid:1" alt="logo">'
    clean = sanitize_html(html)
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean
    assert 'src="cid:1"' in clean
    assert html_to_text("<p>a&nbsp;b</p><blockquote>old</blockquote>") == "a b\n\n> old"
    # the writing direction and language stay on any tag; styles and handlers beside them go
    rtl = sanitize_html('<div dir="rtl" lang="ar" style="color:red" onmouseover="x()">مرحبا <span dir="ltr">SDI</span></div>')
    assert rtl == '<div dir="rtl" lang="ar">مرحبا <span dir="ltr">SDI</span></div>'


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    cmd = Command(stdout=out)
    options = vars(cmd.create_parser("supportdesk", "mail").parse_args(argv))
    cmd.handle(**options)
    return out.getvalue()


CORPUS = Path(__file__).parent / "corpus"


def test_command_parse_json_and_summary() -> None:
    import json

    data = json.loads(_run(["parse", str(CORPUS / "52_dsn_postfix.eml"), "--json"]))
    for key in ("from_addr", "from_name", "subject", "text", "attachments", "message_id", "in_reply_to",
                "references", "is_auto_reply", "is_bounce", "bounced_message_id", "utc_offset", "language", "defects"):
        assert key in data
    assert data["is_bounce"] is True
    assert "BOUNCE" in _run(["parse", str(CORPUS / "52_dsn_postfix.eml")])
    assert json.loads(_run(["parse", str(CORPUS / "78_binary_garbage.eml"), "--json"]))["defects"]


def test_command_unreadable_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as err:
        _run(["parse", str(tmp_path / "missing.eml")])
    assert err.value.returncode == 2


def test_every_corpus_mail_parses_without_a_parser_error() -> None:
    # Speed over this corpus is measured by bench/parse_speed.py (no timing in unit tests).
    for path in sorted(CORPUS.glob("*.eml")):
        parsed = parse_mail(path.read_bytes())
        assert not any(d.startswith("parser error") for d in parsed.defects), (path.name, parsed.defects)
