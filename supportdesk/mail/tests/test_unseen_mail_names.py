"""Attachment names and header text from every place a mailer puts them (issue 15, third
round): each class of failure pinned by a minimal example written for the test, the names
compared byte for byte with what the sender wrote."""

from __future__ import annotations

import base64
import binascii

import pytest

from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.charsets import decode_bytes
from supportdesk.mail.parsing.parts import unquote_name

HEAD = b"From: Ivan <ivan@example.ru>\nTo: support@example.com\nSubject: Test\nMIME-Version: 1.0\n"


def _b64(text: str, charset: str = "utf-8") -> bytes:
    return base64.b64encode(text.encode(charset))


def _names(part: bytes) -> list[str]:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n--B\n"
           + part + b"\n--B--\n")
    return [a.filename for a in parse_mail(raw).attachments]


def _file(headers: bytes) -> bytes:
    return headers + b"\nContent-Transfer-Encoding: base64\n\nZGF0YQ=="


@pytest.mark.parametrize(("headers", "expected"), [
    # RFC 2231 with a language, continuations mixing encoded and plain sections, any order.
    (b"Content-Type: application/pdf\nContent-Disposition: attachment;"
     b" filename*=utf-8'ru'%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf", "Отчёт.pdf"),
    (b"Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*=utf-8'ru'%D0%9E%D1%82;\n"
     b" filename*1*=%D1%87%D1%91%D1%82;\n filename*2=\" 2026.pdf\"", "Отчёт 2026.pdf"),
    (b"Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*1=\"part2.pdf\";\n"
     b" filename*0=\"part1-\"", "part1-part2.pdf"),
    (b"Content-Type: application/pdf\nContent-Disposition: attachment; filename*=iso-8859-1'en'Gr%FC%DFe.pdf",
     "Grüße.pdf"),
    (b"Content-Type: application/msword\nContent-Disposition: attachment;\n"
     b" filename*0*=windows-1251''%CE%F2%F7;\n filename*1*=%E5%F2.doc", "Отчет.doc"),
    # An RFC 2047 word inside an RFC 2231 value: both encodings undone.
    (b"Content-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8''=?UTF-8?B?"
     + _b64("Отчёт.pdf") + b"?=", "Отчёт.pdf"),
    # RFC 2047 in name= and filename=: split over folded words, glued words, unquoted, beside plain text.
    (b'Content-Type: application/pdf; name="=?UTF-8?B?' + _b64("Отчёт за") + b'?=\n =?UTF-8?B?' + _b64(" май.pdf")
     + b'?="', "Отчёт за май.pdf"),
    (b'Content-Type: application/pdf; name="=?UTF-8?B?' + _b64("Отчёт") + b'?==?UTF-8?B?' + _b64(".pdf") + b'?="',
     "Отчёт.pdf"),
    (b"Content-Type: application/pdf\nContent-Disposition: attachment; filename==?UTF-8?B?" + _b64("Отчёт.pdf")
     + b"?=", "Отчёт.pdf"),
    (b'Content-Type: application/pdf; name="Scan =?UTF-8?B?' + _b64("Отчёт") + b'?= 2026.pdf"', "Scan Отчёт 2026.pdf"),
    (b'Content-Type: application/pdf; name="=?UTF-8?Q?=D0=9E=D1?= =?UTF-8?Q?=82.pdf?="', "От.pdf"),
    (b'Content-Type: application/pdf; name="=?gb2312?B?' + _b64("镕喆.pdf", "gbk") + b'?="', "镕喆.pdf"),
    # Spaces are the name's own: double, leading and trailing ones inside the quotes.
    (b'Content-Type: application/pdf; name="a  b.pdf"', "a  b.pdf"),
    (b'Content-Type: application/pdf; name="a b.pdf "', "a b.pdf "),
    (b'Content-Type: application/pdf; name=" a b.pdf"', " a b.pdf"),
    (b'Content-Type: application/pdf; name="=?UTF-8?Q?Report_?="', "Report "),
    # Single quotes around a whole name are quotes; unquoted names with spaces stay whole.
    (b"Content-Type: application/pdf; name='my file.pdf'", "my file.pdf"),
    (b"Content-Type: application/pdf\nContent-Disposition: attachment; filename=my file 2.pdf", "my file 2.pdf"),
    # A quoted name quoted once more; quotes inside a name stay.
    (b'Content-Type: application/pdf\nContent-Disposition: attachment; filename=""plan.pdf""', "plan.pdf"),
    (b'Content-Type: application/pdf; name=""=?UTF-8?B?' + _b64("Отчёт.pdf") + b'?=""', "Отчёт.pdf"),
    (b'Content-Type: application/pdf; name="a \\"b\\" c.pdf"', 'a "b" c.pdf'),
    # Apple Mail's x-mac-* and x-unix-mode parameters around the name.
    (b'Content-Type: application/octet-stream; x-mac-type="50444620"; x-mac-creator="4341524F"; name="Report"\n'
     b'Content-Disposition: attachment; filename="Report"', "Report"),
    (b'Content-Type: image/png;\n\tx-mac-hide-extension=yes;\n\tx-unix-mode=0644;\n\tname="Screen Shot 10.00.00.png"\n'
     b'Content-Disposition: inline;\n\tfilename="Screen Shot 10.00.00.png"', "Screen Shot 10.00.00.png"),
    # A parameter that lost its ';', on a folded line, in either header.
    (b'Content-Type: application/pdf\n\tname="a b.pdf"', "a b.pdf"),
    (b'Content-Type: application/pdf\nContent-Disposition: attachment\n\tfilename="a b.pdf"', "a b.pdf"),
    # Raw 8-bit names that no header declares: Cyrillic single-byte charsets by their letters.
    ('Content-Type: application/pdf; name="Отчёт за май.pdf"'.encode("koi8-r"), "Отчёт за май.pdf"),
    ('Content-Type: application/pdf; name="Отчет за май.pdf"'.encode("cp1251"), "Отчет за май.pdf"),
    ('Content-Type: application/pdf\nContent-Disposition: attachment; filename="Договор.doc"'.encode("cp1251"),
     "Договор.doc"),
    # A UTF-8 name cut inside a Cyrillic letter, however it was sent: whole letters, no mojibake.
    (b"Content-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''%D0%9E%D1%82%D1%87%D0",
     "Отч"),
    (b'Content-Type: application/pdf; name="=?UTF-8?B?' + base64.b64encode("Отчёт".encode()[:-1]) + b'?="', "Отчё"),
    (b'Content-Type: application/pdf; name="' + "Отчёт о работе".encode()[:-1] + b'"', "Отчёт о работ"),
])
def test_a_name_is_kept_as_the_sender_wrote_it(headers: bytes, expected: str) -> None:
    assert _names(_file(headers)) == [expected]


def test_an_x_uuencode_part_is_named_by_its_begin_line() -> None:
    part = (b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\n"
            b"begin 644 data file.bin\n" + binascii.b2a_uu(b"hello") + b"`\nend\n")
    raw = HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n--B\n" + part + b"--B--\n"
    (att,) = parse_mail(raw).attachments
    assert (att.filename, att.content) == ("data file.bin", b"hello")


def test_unquote_name() -> None:
    assert unquote_name(" a.pdf ") == " a.pdf "
    assert unquote_name("'a b.pdf'") == "a b.pdf"
    assert unquote_name("it's.pdf") == "it's.pdf"
    assert unquote_name('"Schet 15.pdf; size=1234') == "Schet 15.pdf"


# --- header text: charset supersets and a Western label's own typography ---------------------

def _subject(value: bytes) -> str:
    return parse_mail(b"From: a@example.com\nSubject: " + value + b"\n\nhi\n").subject


@pytest.mark.parametrize(("value", "expected"), [
    (b"=?gb2312?B?" + _b64("测试 镕喆", "gbk") + b"?=", "测试 镕喆"),
    (b"=?iso-2022-jp?B?" + base64.b64encode(b"\x1b$B-!\x1b(B1 \x1b$B$3$s\x1b(B") + b"?=", "①1 こん"),
    (b"=?shift_jis?B?" + _b64("①テスト", "cp932") + b"?=", "①テスト"),
    (b"=?iso-8859-1?Q?Preis_=80_5?=", "Preis € 5"),  # windows-1252's euro, not a Cyrillic letter
    (b"=?iso-8859-1?Q?=93Angebot=94_=96_5?=", "“Angebot” – 5"),
    (b"=?iso-8859-1?Q?" + b"".join(b"=%02X" % c for c in "Счет".encode("cp1251")) + b"?=", "Счет"),
    ("Тест письма о сбое".encode("koi8-r"), "Тест письма о сбое"),
])
def test_header_text_in_a_superset_or_under_a_wrong_label(value: bytes, expected: str) -> None:
    assert _subject(value) == expected


def test_a_western_label_keeps_its_typography_and_yields_to_cyrillic_letters() -> None:
    assert decode_bytes("€ 100".encode("cp1252"), "iso-8859-1")[0] == "€ 100"
    assert decode_bytes("Вопрос".encode("cp866"), "iso-8859-1")[0] == "Вопрос"


# --- header blocks: a lost fold after the last field, more stray lines above a whole header ----

def test_an_encoded_word_on_an_unindented_line_after_the_last_field_is_its_fold() -> None:
    p = parse_mail(b"From: ivan@example.ru\nSubject: =?utf-8?Q?Test?=\n=?utf-8?Q?_two?=\n\nHello\n")
    assert (p.subject, p.text) == ("Test two", "Hello")


def test_up_to_five_stray_lines_before_a_header_that_names_its_sender() -> None:
    p = parse_mail(b"x\ny\nz\n" + HEAD + b"\nHello\n")
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Test", "Hello")
    # without a From among the fields that follow, three lines are not taken for garbage
    p = parse_mail(b"x\ny\nz\nTo: a@example.com\nSubject: Test\n\nHello\n")
    assert p.subject == "" and "Hello" in p.text


# --- a text part sent as an unnamed attachment ------------------------------------------------

def test_the_only_text_sent_as_an_unnamed_attachment_is_read_and_kept() -> None:
    head = HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n"
    p = parse_mail(head + b"--B\nContent-Type: text/plain\nContent-Disposition: attachment\n\nThe body\n"
                   b"--B\nContent-Type: application/pdf; name=a.pdf\n\nx\n--B--\n")
    assert (p.text, [a.filename for a in p.attachments]) == ("The body", ["document.txt", "a.pdf"])
    p = parse_mail(head + b"--B\nContent-Type: text/plain\n\nReal body\n"
                   b"--B\nContent-Type: text/plain\nContent-Disposition: attachment\n\nlog line\n--B--\n")
    assert (p.text, [a.filename for a in p.attachments]) == ("Real body", ["document.txt"])


# --- a few raw 8-bit letters: the declared charset unless its reading inverts letter case -------

def _raw_name(name: bytes, body_charset: bytes | None) -> list[str]:
    text = b"Content-Type: text/plain" + (b"; charset=" + body_charset if body_charset else b"")
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\n" + text + b"\n\nhi\n"
           b'--B\nContent-Type: application/octet-stream; name="' + name + b'"\n\nxx\n--B--\n')
    return [a.filename for a in parse_mail(raw).attachments]


@pytest.mark.parametrize(("name", "charset", "body_charset"), [
    ("ТЗ.docx", "cp1251", None),
    ("ДОГОВОР.doc", "cp1251", None),
    ("Письмо.txt", "koi8-r", None),
    ("Ошибка.png", "koi8-r", b"us-ascii"),
    ("КП.pdf", "koi8-r", b"koi8-r"),
    ("КП.pdf", "cp1251", b"windows-1251"),
    ("Счет.pdf", "cp1251", b"koi8-r"),  # the label's reading, "яВЕР", inverts letter case
    ("Письмо.txt", "koi8-r", b"windows-1251"),
])
def test_a_short_raw_cyrillic_name(name: str, charset: str, body_charset: bytes | None) -> None:
    assert _raw_name(name.encode(charset), body_charset) == [name]


# --- raw and charset-less names in a script the message's text declares ------------------------

def _declared_name(part_header: bytes, body_charset: bytes) -> list[str]:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=" + body_charset
           + b"\n\nhi\n--B\n" + part_header + b"\n\nxx\n--B--\n")
    return [a.filename for a in parse_mail(raw).attachments]


def _percent(data: bytes) -> bytes:
    return b"".join(b"%%%02X" % c for c in data)


@pytest.mark.parametrize(("name", "charset", "label"), [
    ("報告書.docx", "euc_jp", b"euc-jp"),  # decodes as GB18030 too: the label decides
    ("보고서.pdf", "cp949", b"euc-kr"),
    ("Ελληνικά.pdf", "iso8859-7", b"iso-8859-7"),  # not Cyrillic
    ("שלום.pdf", "cp1255", b"windows-1255"),
    ("Żółć.pdf", "iso8859-2", b"iso-8859-2"),
])
def test_a_raw_name_in_the_script_the_text_declares(name: str, charset: str, label: bytes) -> None:
    assert _declared_name(b'Content-Type: application/octet-stream; name="' + name.encode(charset) + b'"', label) == [name]


@pytest.mark.parametrize(("name", "charset", "label"), [
    ("表.xls", "cp932", b"iso-2022-jp"),
    ("報告.pdf", "big5", b"big5"),
    ("Příloha.pdf", "cp1250", b"windows-1250"),
])
def test_an_rfc2231_name_without_a_charset_is_read_in_the_declared_one(name: str, charset: str, label: bytes) -> None:
    # An all-ASCII message: the percent escapes are its only 8-bit text.
    header = b"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename*=''"
    assert _declared_name(header + _percent(name.encode(charset)), label) == [name]


def test_gbk_under_a_utf8_label() -> None:
    name = b'"=?utf-8?B?' + base64.b64encode("报告书.pdf".encode("gbk")) + b'?="'
    assert _declared_name(b"Content-Type: application/pdf; name=" + name, b"utf-8") == ["报告书.pdf"]


# --- a From without any address: the envelope sender ------------------------------------------

@pytest.mark.parametrize(("head", "expected"), [
    (b"From: Ivan <>\nReturn-Path: <ivan@example.ru>\n", ("ivan@example.ru", "Ivan")),
    (b"Return-Path: <ivan@example.ru>\n", ("ivan@example.ru", "")),
    (b"From: <>\nReturn-Path: <>\n", (None, "")),
    # a bare local part is the sender's own word (a bounce's MAILER-DAEMON): kept
    (b"From: MAILER-DAEMON\nReturn-Path: <postmaster@example.ru>\n", ("mailer-daemon", "")),
])
def test_return_path_when_from_has_no_address(head: bytes, expected: tuple[str | None, str]) -> None:
    p = parse_mail(head + b"Subject: x\n\nhi\n")
    assert (p.from_addr, p.from_name) == expected


# --- Content-Type values as mailers write them -----------------------------------------------

@pytest.mark.parametrize("ctype", [b"text/plain (by webmail); charset=utf-8", b"text / plain; charset=utf-8",
                                   b"text/x-plain; charset=utf-8", b"text/unknown; charset=utf-8"])
def test_plain_text_under_a_noisy_or_made_up_type_is_the_body(ctype: bytes) -> None:
    p = parse_mail(HEAD + b"Content-Type: " + ctype + b"\n\n" + "Звук пропадает".encode() + b"\n")
    assert (p.text, p.attachments) == ("Звук пропадает", ())


def test_a_type_comment_does_not_rename_an_attachment_and_a_calendar_stays_a_file() -> None:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nHi\n"
           b"--B\nContent-Type: application/pdf (scanned); name=a.pdf\n\n%PDF\n--B--\n")
    assert [(a.filename, a.content_type) for a in parse_mail(raw).attachments] == [("a.pdf", "application/pdf")]
    p = parse_mail(HEAD + b"Content-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n")
    assert [a.content_type for a in p.attachments] == ["text/calendar"]


# --- a name in the other header, or with the header's type left out ---------------------------

@pytest.mark.parametrize("headers", [
    b'Content-Type: application/pdf; filename="x y.pdf"',
    b'Content-Type: application/pdf\nContent-Disposition: attachment; name="x y.pdf"',
    b'Content-Type: application/pdf\nContent-Disposition: filename="x y.pdf"',
    b'Content-Type: name="x y.pdf"',
])
def test_a_name_wherever_the_mailer_put_it(headers: bytes) -> None:
    assert _names(_file(headers)) == ["x y.pdf"]


def test_the_standard_places_come_first() -> None:
    assert _names(_file(b'Content-Type: application/pdf; name="a.pdf"; filename="c.pdf"\n'
                        b'Content-Disposition: attachment; name="b.pdf"')) == ["a.pdf"]


@pytest.mark.parametrize(("name", "charset", "label"), [
    ("ТЗ.docx", "cp1251", "windows-1251"),
    ("КП.pdf", "cp1251", "windows-1251"),
    ("ТЗ.docx", "koi8-r", "koi8-r"),
    # two letters that are a word in the declared charset; cp866 reads "иц", "оу" out of them
    ("Ёж.txt", "cp1251", "windows-1251"),
    ("Юг.txt", "cp1251", "windows-1251"),
    ("Я.txt", "koi8-r", "koi8-r"),
])
def test_an_encoded_word_keeps_its_declared_charset_on_a_few_capitals(name: str, charset: str, label: str) -> None:
    word = b'"=?' + label.encode() + b"?B?" + base64.b64encode(name.encode(charset)) + b'?="'
    assert _names(_file(b"Content-Type: application/octet-stream; name=" + word)) == [name]
    assert decode_bytes(name.encode(charset), label)[0] == name


# --- UTF-16 text and byte order marks --------------------------------------------------------

@pytest.mark.parametrize(("ctype", "body"), [
    (b"text/plain; charset=utf-16", "Привет мир, hello".encode("utf-16")),
    (b"text/plain", "Привет мир, hello".encode("utf-16")),  # no label: the byte order mark says it
    (b"text/plain; charset=unicode", "Привет мир, hello".encode("utf-16-le")),  # Microsoft's name
    (b"text/html; charset=utf-16le", "<p>Привет мир, hello</p>".encode("utf-16-le")),  # all bytes < 0x80
    (b"text/plain", ("No sound on output 2 since the update. " * 3).encode("utf-16-le")),  # NUL every other byte
    (b"text/plain; charset=windows-1251", "\ufeffПривет мир, hello".encode()),  # a UTF-8 byte order mark
])
def test_utf16_text_and_byte_order_marks(ctype: bytes, body: bytes) -> None:
    p = parse_mail(HEAD + b"Content-Type: " + ctype + b"\nContent-Transfer-Encoding: base64\n\n" + base64.encodebytes(body))
    assert p.text.startswith(("Привет мир, hello", "No sound on output 2")) and not p.attachments


@pytest.mark.parametrize(("raw", "label", "expected"), [
    (b"attachment.\xe4\xf6\xfc", "iso-8859-1", "attachment.äöü"),  # no Russian word has no vowel: German
    ("НДС.pdf".encode("cp1251"), "iso-8859-1", "НДС.pdf"),  # a capitals' abbreviation stays Cyrillic
    ("акт.doc".encode("cp1251"), None, "акт.doc"),
])
def test_a_short_name_is_cyrillic_only_when_it_reads_as_words(raw: bytes, label: str | None, expected: str) -> None:
    assert decode_bytes(raw, label)[0] == expected


@pytest.mark.parametrize("headers", [
    # go-simple-mail folds wherever a line grows long, right inside the quotes too: the fold's
    # white space is layout, not the name's first (or last) character.
    b'Content-Type: application/octet-stream;\n name="\r\n crash-dump.dmp"\nContent-Disposition: attachment;\n'
    b' \tfilename="\r\n crash-dump.dmp"',
    b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="crash-dump.dmp\n "',
    b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="\n\t=?utf-8?q?crash-dump.dmp?="',
])
def test_a_fold_just_inside_the_quotes_is_not_part_of_the_name(headers: bytes) -> None:
    assert _names(_file(headers)) == ["crash-dump.dmp"]


def test_a_space_written_inside_the_quotes_stays() -> None:
    assert _names(_file(b'Content-Type: text/plain\nContent-Disposition: attachment; filename=" notes.txt"')) == [
        " notes.txt"]


@pytest.mark.parametrize(("from_", "expected"), [
    # s-nail encodes the display name as the quoted string it would have written, escapes included.
    (b'=?utf-8?B?' + _b64('"Иван \\"Ваня\\" Петров"') + b'?= <vanya@example.ru>', 'Иван "Ваня" Петров'),
    (b'=?utf-8?B?' + _b64('"Иван') + b'?= =?utf-8?B?' + _b64(' \\"Ваня\\""') + b'?= <vanya@example.ru>',
     'Иван "Ваня"'),
    (b'"Ivan \\"Vanya\\" Petrov" <vanya@example.ru>', 'Ivan "Vanya" Petrov'),
    # Emacs encodes the quoted string's text, backslashes and all, without its quotes.
    (b'=?utf-8?B?' + _b64('Иван \\"Ваня\\" Петров') + b'?= <vanya@example.ru>', 'Иван "Ваня" Петров'),
    (b'=?utf-8?B?' + _b64('ООО "Ромашка"') + b'?= <info@example.ru>', 'ООО "Ромашка"'),
])
def test_a_quoted_string_inside_an_encoded_word_is_unquoted_once(from_: bytes, expected: str) -> None:
    assert parse_mail(b"From: " + from_ + b"\nSubject: x\n\nhi\n").from_name == expected


def _q(text: str) -> bytes:
    return b"=?utf-8?Q?" + "".join(f"={b:02X}" for b in text.encode()).encode() + b"?="


@pytest.mark.parametrize(("from_", "name", "addr"), [
    # MIME-tools leaves the comma of 'Петров, Иван' unquoted; Postfix or Exim on the way then
    # completes the encoded word before it with their own domain, as an address of its own.
    (_q("Петров") + b"@local.relay.example,\n " + _q("Иван") + b" <petrov@efir.example.ru>",
     "Петров, Иван", "petrov@efir.example.ru"),
    # Postfix also splits the name's words at their spaces; those commas are the relay's.
    (_q("Татьяна ") + b"@local.relay.example,\n\t" + _q("Белоусова") + b"@local.relay.example,\n\t"
     + _q("инженер") + b" <belousova@tv.example.ru>", "Татьяна Белоусова, инженер", "belousova@tv.example.ru"),
])
def test_a_relays_domain_after_an_encoded_word_is_taken_off(from_: bytes, name: str, addr: str) -> None:
    parsed = parse_mail(b"From: " + from_ + b"\nSubject: x\n\nhi\n")
    assert (parsed.from_name, parsed.from_addr) == (name, addr)


def test_a_plain_address_before_a_comma_stays_the_sender() -> None:
    parsed = parse_mail(b"From: ivan@relay.example, Petr <petr@example.ru>\nSubject: x\n\nhi\n")
    assert parsed.from_addr == "ivan@relay.example"
