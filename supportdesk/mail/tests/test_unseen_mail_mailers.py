"""Attachment names and texts the way real mailers and gateways write them (issue 15, fourth
round): each class that failed pinned by a minimal example written for the test, names
compared exactly with what the sender meant."""

from __future__ import annotations

import base64
import quopri
from collections.abc import Callable

import pytest

from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.body import is_stub_alternative
from supportdesk.mail.parsing.parts import MAX_NAME

HEAD = b"From: Ivan <ivan@example.ru>\nTo: support@example.com\nSubject: Test\nMIME-Version: 1.0\n"
NAME = "Отчёт.pdf"


def _pct(data: bytes) -> bytes:
    return b"".join(b"%%%02X" % c for c in data)


def _names(headers: bytes) -> list[str]:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n--B\n"
           + headers + b"\nContent-Transfer-Encoding: base64\n\nZGF0YQ==\n--B--\n")
    return [a.filename for a in parse_mail(raw).attachments]


# --- parameters Python's parser reads badly ----------------------------------------------------

@pytest.mark.parametrize("headers", [
    # the disposition's type left out, the name extended: the first parameter is decoded too
    b"Content-Type: application/pdf\nContent-Disposition: filename*=utf-8''" + _pct(NAME.encode()),
    # a parameter given whole and in numbered sections at once: the parser fails, the whole one is kept
    b"Content-Type: application/pdf; name*=utf-8''" + _pct(NAME.encode()) + b"; name*0*=utf-8''%D0%9E; name*1=.txt",
    # quotes after the charset prefix are the value's quotes, not the name's
    b"Content-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8''\"" + _pct(NAME.encode()) + b'"',
    # an RFC 2045 comment after the quoted value
    b'Content-Type: application/pdf; name="' + NAME.encode() + b'" (scanned)',
    # a plain parameter sent URL-encoded, as web applications write it
    b'Content-Type: application/pdf\nContent-Disposition: attachment; filename="' + _pct(NAME.encode()) + b'"',
])
def test_parameters_the_stdlib_parser_misreads(headers: bytes) -> None:
    assert _names(headers) == [NAME]


@pytest.mark.parametrize("name", ["Report%20May.pdf", "50%off.pdf", "%C0%AF.pdf"])
def test_a_percent_sign_that_escapes_no_utf8_text_is_the_names_own(name: str) -> None:
    assert _names(b'Content-Type: application/pdf; name="' + name.encode() + b'"') == [name]


# --- an ASCII stand-in beside the real name -----------------------------------------------------

@pytest.mark.parametrize("headers", [
    b"Content-Type: application/pdf; name*=utf-8''" + _pct(NAME.encode())
    + b'\nContent-Disposition: attachment; filename="Otchet.pdf"',
    b'Content-Type: application/pdf; name="=?utf-8?B?' + base64.b64encode(NAME.encode())
    + b'?="\nContent-Disposition: attachment; filename="_____.pdf"',
])
def test_a_non_ascii_name_beats_its_ascii_stand_in_elsewhere(headers: bytes) -> None:
    assert _names(headers) == [NAME]


def test_names_of_other_types_keep_the_standard_order() -> None:
    headers = b'Content-Type: application/pdf; name="=?utf-8?B?' + base64.b64encode("Отчёт.doc".encode()) + (
        b'?="\nContent-Disposition: attachment; filename="report.pdf"')
    assert _names(headers) == ["report.pdf"]


# --- long names and stray NUL bytes -------------------------------------------------------------

def test_a_name_up_to_the_file_systems_limit_is_kept_whole() -> None:
    name = "Протокол испытаний " * 12 + "итог.pdf"
    assert len(name) <= MAX_NAME
    assert _names(b"Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*=utf-8''"
                  + _pct(name.encode()[:120]) + b";\n filename*1*=" + _pct(name.encode()[120:])) == [name]
    longer = "x" * 300 + ".pdf"
    assert _names(b'Content-Type: application/pdf; name="' + longer.encode() + b'"') == ["x" * 251 + ".pdf"]


def test_an_attached_messages_long_subject_names_it_whole() -> None:
    subject = "Re: " + "очень длинная тема письма " * 9
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n--B\n"
           b"Content-Type: message/rfc822\n\nFrom: a@example.com\nSubject: =?utf-8?B?"
           + base64.b64encode(subject.encode()) + b"?=\n\nbody\n--B--\n")
    assert [a.filename for a in parse_mail(raw).attachments] == [subject.strip() + ".eml"]


@pytest.mark.parametrize("value", [b'"report.pdf\x00"', b'"=?utf-8?Q?report.pdf=00=00?="', b'"\x00report.pdf"'])
def test_nul_bytes_around_a_name_are_no_part_of_it(value: bytes) -> None:
    assert _names(b"Content-Type: application/pdf; name=" + value) == ["report.pdf"]


# --- a plain alternative that only asks to read the HTML one --------------------------------------

def _alternative(plain: str, html: str) -> str:
    raw = (HEAD + b"Content-Type: multipart/alternative; boundary=A\n\n--A\nContent-Type: text/plain; charset=utf-8\n\n"
           + plain.encode() + b"\n--A\nContent-Type: text/html; charset=utf-8\n\n" + html.encode() + b"\n--A--\n")
    return parse_mail(raw).text


@pytest.mark.parametrize("notice", [
    "This is an HTML message. Please use an HTML capable mail program to read this message.",
    "Для просмотра этого письма используйте почтовую программу с поддержкой HTML.",
])
def test_a_plain_notice_in_place_of_the_text_gives_way_to_the_html(notice: str) -> None:
    assert _alternative(notice, "<p>После обновления пропал звук на втором выходе SDI</p>") == (
        "После обновления пропал звук на втором выходе SDI")


def test_a_real_plain_version_is_kept() -> None:
    assert _alternative("Sound is lost on output 2", "<p>Sound is lost on <b>output 2</b></p>") == (
        "Sound is lost on output 2")
    assert _alternative("Sound is lost on output 2", '<img src="cid:x"><a href="#">link</a>') == (
        "Sound is lost on output 2")
    assert not is_stub_alternative("Звук пропал после обновления", "Звук пропал после обновления до 6.2")


# --- line ends a conversion doubled or swapped ----------------------------------------------------

_MIXED = (b"From: Ivan <ivan@example.ru>\nSubject: Hello\nContent-Type: multipart/mixed; boundary=B\n\n--B\n"
          b"Content-Type: text/plain; charset=utf-8\n\n" + "Звук пропал".encode() + b"\n--B\n"
          b'Content-Type: application/pdf; name="a b.pdf"\nContent-Transfer-Encoding: base64\n\nZGF0YQ==\n--B--\n')


@pytest.mark.parametrize("eol", [b"\r\r\n", b"\n\r", b"\r", b"\r\n"])
def test_line_ends_doubled_or_swapped_by_a_conversion(eol: bytes) -> None:
    p = parse_mail(_MIXED.replace(b"\n", eol))
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Hello", "Звук пропал")
    assert [(a.filename, a.content) for a in p.attachments] == [("a b.pdf", b"data")]


# --- a name without its RFC 2231 mark, a header given twice, a named single text part ----------

@pytest.mark.parametrize("headers", [
    b"Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"utf-8''" + _pct(NAME.encode()) + b'"',
    b"Content-Type: application/pdf\nContent-Disposition: attachment; filename*0=\"utf-8''" + _pct("Отчёт".encode())
    + b'"; filename*1=".pdf"',
])
def test_an_rfc2231_value_whose_mark_the_mailer_left_out(headers: bytes) -> None:
    assert _names(headers) == [NAME]


def test_a_quote_in_a_name_that_is_no_charset_prefix_stays() -> None:
    assert _names(b"Content-Type: application/pdf; name=\"it's 'my' %41.pdf\"") == ["it's 'my' %41.pdf"]


def test_a_content_type_given_twice_names_the_part_from_either() -> None:
    assert _names(b'Content-Type: application/octet-stream\nContent-Type: application/pdf; name="a.pdf"') == ["a.pdf"]


def test_an_empty_subject_above_the_senders_own_gives_way() -> None:
    assert parse_mail(b"From: a@example.com\nSubject: \nSubject: No sound\n\nhi\n").subject == "No sound"


def test_a_single_text_part_named_in_its_disposition_is_a_file_too() -> None:
    p = parse_mail(HEAD + b'Content-Type: text/plain; charset=utf-8\nContent-Disposition: inline; filename="report.txt"\n\n'
                   b"line one\n")
    assert (p.text, [a.filename for a in p.attachments]) == ("line one", ["report.txt"])


# --- headers that made the parser give up on the whole mail ---------------------------------------

@pytest.mark.parametrize("ctype", [
    b"multipart/mixed; boundary=B; name*=utf-8''a; name*0*=utf-8''b",
    b"multipart/mixed;\n boundary*=''B;\n boundary*0=\"B\"",
])
def test_a_parameter_given_whole_and_in_sections_on_a_multipart(ctype: bytes) -> None:
    p = parse_mail(b"From: a@example.com\nSubject: s\nContent-Type: " + ctype + b"\n\n--B\nContent-Type: text/plain\n\n"
                   b"hello\n--B\nContent-Type: application/pdf; name=a.pdf\n\nxx\n--B--\n")
    assert (p.subject, p.text, [a.filename for a in p.attachments]) == ("s", "hello", ["a.pdf"])


def test_an_8bit_byte_in_a_charset_label_of_a_file() -> None:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhello\n--B\n"
           b'Content-Type: text/x-unknown; charset=utf\xd58; name="a.txt"\n\n\xd0\x97\n--B--\n')
    p = parse_mail(raw)
    assert (p.text, [(a.filename, a.content) for a in p.attachments]) == ("hello", [("a.txt", b"\xd0\x97")])


def test_an_mbox_from_line_and_nothing_else_above_the_body() -> None:
    p = parse_mail(b"From ivan@example.ru Sat Dec  5 10:00:00 2026\n\nhello\n")
    assert not any(d.startswith("parser error") for d in p.defects) and "hello" in p.text


# --- senders written the way text and gateways write them ----------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (b"Ivan Petrov [mailto:ivan@example.ru]", ("ivan@example.ru", "Ivan Petrov")),
    (b"Ivan Petrov [ivan@example.ru]", ("ivan@example.ru", "Ivan Petrov")),
    (b'<ivan@example.ru> "Ivan Petrov"', ("ivan@example.ru", "Ivan Petrov")),
    (b"Ivan <ivan(work)@example.ru>", ("ivan@example.ru", "Ivan")),
    (b"ivan@[192.0.2.1]", ("ivan@[192.0.2.1]", "")),
])
def test_a_sender_in_brackets_after_its_name_or_with_a_comment(value: bytes, expected: tuple[str, str]) -> None:
    p = parse_mail(b"From: " + value + b"\nSubject: x\n\nhi\n")
    assert (p.from_addr, p.from_name) == expected


_B64_NAME = b"=?utf-8?B?" + base64.b64encode("Иван Петров".encode()) + b"?="


@pytest.mark.parametrize(("value", "name"), [
    (b"Ivan Petrov", "Ivan Petrov"),  # a web form's "From: <the name field>"
    (b'"Petrov, Ivan"', "Petrov, Ivan"),
    (_B64_NAME, "Иван Петров"),
    ("Иван".encode(), "Иван"),
    (b"Ivan Petrov:;", "Ivan Petrov"),  # an empty group
    (b'"Ivan"', "Ivan"),
])
def test_a_from_with_a_name_and_no_address_names_the_sender(value: bytes, name: str) -> None:
    """The address comes from Sender (or nowhere); the name the From gave stays the sender's."""
    with_sender = parse_mail(b"From: " + value + b"\nSender: ivan@example.ru\nSubject: x\n\nhi\n")
    assert (with_sender.from_addr, with_sender.from_name) == ("ivan@example.ru", name)
    alone = parse_mail(b"From: " + value + b"\nSubject: x\n\nhi\n")
    assert (alone.from_addr, alone.from_name) == (None, name)


@pytest.mark.parametrize(("value", "expected"), [
    (b"MAILER-DAEMON", ("mailer-daemon", "")),
    (b"postmaster", ("postmaster", "")),
    (b"MAILER-DAEMON (Mail Delivery System)", ("mailer-daemon", "Mail Delivery System")),
])
def test_one_bare_word_in_from_is_a_local_address_not_a_name(value: bytes, expected: tuple[str, str]) -> None:
    p = parse_mail(b"From: " + value + b"\nSubject: x\n\nhi\n")
    assert (p.from_addr, p.from_name) == expected

# --- a body encoded without saying so --------------------------------------------------------------

_REQUEST = "Добрый день! После обновления до версии 6.2 пропал звук на втором выходе SDI. Прошу помочь."


@pytest.mark.parametrize("cte", [b"", b"Content-Transfer-Encoding: 7bit\n"])
@pytest.mark.parametrize("encode", [base64.encodebytes, quopri.encodestring])
def test_a_text_body_encoded_without_its_transfer_encoding(cte: bytes, encode: Callable[[bytes], bytes]) -> None:
    p = parse_mail(b"From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8\n" + cte + b"\n"
                   + encode(_REQUEST.encode()))
    assert p.text == _REQUEST


def test_a_file_in_base64_without_its_transfer_encoding() -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 2
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n--B\n"
           b"Content-Type: application/pdf; name=a.pdf\n\n" + base64.encodebytes(pdf) + b"--B--\n")
    assert [a.content for a in parse_mail(raw).attachments] == [pdf]


@pytest.mark.parametrize("body", [
    "Key: QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\nthanks",  # words, not base64
    base64.encodebytes(bytes(range(200))).decode(),  # base64 of binary data pasted as text: no text inside
    "x=A0 y=B1 z=C2 w=D3 and a = sign",  # an '=' that escapes nothing: no quoted-printable
])
def test_text_that_only_looks_encoded_stays_as_written(body: str) -> None:
    p = parse_mail(b"From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n" + body.encode())
    assert p.text == body.strip()


# --- a top boundary the body spells otherwise ------------------------------------------------------

@pytest.mark.parametrize(("param", "line"), [
    (b"boundary='b1'", b"b1"),  # single quotes: the parser keeps them in the value
    (b'boundary="b1', b"b1"),  # a quote never closed
    (b'boundary="b1; charset=utf-8', b"b1"),  # ... which swallows the parameters after it
    (b'boundary="abc"', b"ABC"),  # letter case
])
def test_a_boundary_whose_quotes_or_case_differ_from_the_body(param: bytes, line: bytes) -> None:
    p = parse_mail(b"From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; " + param + b"\n\n--" + line
                   + b"\nContent-Type: text/plain\n\nhello\n--" + line + b"\nContent-Type: application/pdf; name=a.pdf\n\n"
                   b"xx\n--" + line + b"--\n")
    assert (p.text, [a.filename for a in p.attachments]) == ("hello", ["a.pdf"])


def test_an_inner_boundary_in_single_quotes() -> None:
    raw = (b"From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=M\n\n--M\n"
           b"Content-Type: multipart/alternative; boundary='A1'\n\n--A1\nContent-Type: text/plain\n\nhello plain\n"
           b"--A1\nContent-Type: text/html\n\n<p>hello html</p>\n--A1--\n"
           b"--M\nContent-Type: application/pdf; name=a.pdf\n\nxx\n--M--\n")
    p = parse_mail(raw)
    assert (p.text, p.html_sanitised is not None, [a.filename for a in p.attachments]) == ("hello plain", True, ["a.pdf"])


# --- a made-up name carries the extension the part's type means ----------------------------------

@pytest.mark.parametrize(("ctype", "expected"), [
    (b"image/jpg", "image.jpg"), (b"image/pjpeg", "image.jpg"), (b"image/x-png", "image.png"),
    (b"application/x-pdf", "attachment.pdf"), (b"application/x-zip-compressed", "attachment.zip"),
    (b"audio/mp3", "audio.mp3"), (b"text/x-log", "x-log.txt"),
])
def test_an_unnamed_part_of_an_unregistered_type(ctype: bytes, expected: str) -> None:
    assert _names(b"Content-Type: " + ctype + b"\nContent-ID: <part1@example.com>") == [expected]


def test_a_named_inline_text_is_read_when_the_mail_has_no_other() -> None:
    raw = (b"From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=M\n\n--M\n"
           b'Content-Type: text/html; charset=utf-8; name="message.html"\nContent-Disposition: inline; filename="message.html"'
           b"\n\n<p>Order 15 shipped</p>\n--M\nContent-Type: application/pdf; name=a.pdf\n\nxx\n--M--\n")
    p = parse_mail(raw)
    assert (p.text, [a.filename for a in p.attachments]) == ("Order 15 shipped", ["message.html", "a.pdf"])
    with_body = raw.replace(b"--M\nContent-Type: application/pdf", b"--M\nContent-Type: text/plain\n\nReal body\n"
                            b"--M\nContent-Type: application/pdf")
    assert parse_mail(with_body).text == "Real body"


# --- Apple Mail's AppleDouble (RFC 1740) ---------------------------------------------------------

def _appledouble(*parts: bytes) -> bytes:
    inner = b"".join(b"--D\n" + part + b"\n" for part in parts)
    return (HEAD + b"Content-Type: multipart/mixed; boundary=M\n\n--M\nContent-Type: text/plain\n\nSee the file.\n"
            b"--M\nContent-Type: multipart/appledouble; boundary=D\nContent-Disposition: attachment\n\n"
            + inner + b"--D--\n--M--\n")


APPLEFILE = (b'Content-Type: application/applefile; name="' + NAME.encode() + b'"\nContent-Transfer-Encoding: base64\n\n'
             + base64.b64encode(b"\x00\x05\x16\x07\x00\x02\x00\x00" + b"\x00" * 16))


def test_an_appledouble_file_is_one_attachment_without_its_resource_fork() -> None:
    pdf = b'Content-Type: application/pdf; name="' + NAME.encode() + b'"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK'
    attachments = parse_mail(_appledouble(APPLEFILE, pdf)).attachments
    assert [(a.filename, a.content_type, a.content) for a in attachments] == [(NAME, "application/pdf", b"%PDF-1.4\n")]


def test_an_appledouble_header_part_alone_is_kept() -> None:
    assert [a.content_type for a in parse_mail(_appledouble(APPLEFILE)).attachments] == ["application/applefile"]


# --- inline OpenPGP signatures ---------------------------------------------------------------------

_SIGNATURE = "-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQTm9Zq0\n=Xy0a\n-----END PGP SIGNATURE-----\n"


def _pgp_mail(text: str) -> bytes:
    return HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text.encode()


def test_a_cleartext_signed_text_is_read_without_its_armor() -> None:
    signed = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + _REQUEST + "\n- -- \nИван\n" + _SIGNATURE)
    parsed = parse_mail(_pgp_mail(signed))
    # the dash-escaped signature delimiter is the customer's own "-- " again
    assert parsed.text.strip() == _REQUEST + "\n-- \nИван"
    assert parsed.body_text.strip() == _REQUEST  # the signature found where the customer put it
    assert any("OpenPGP" in d for d in parsed.defects)


@pytest.mark.parametrize("text", [
    # quoted by a reply: the history keeps what was quoted
    "Спасибо!\n\n> -----BEGIN PGP SIGNED MESSAGE-----\n> Hash: SHA256\n>\n> Текст\n> " + _SIGNATURE.replace("\n", "\n> "),
    # no signature block: not a signed text, nothing taken
    "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nТекст без подписи\n",
    # an encrypted block is not a signature
    "-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n",
])
def test_armor_that_is_no_complete_cleartext_signature_stays(text: str) -> None:
    assert parse_mail(_pgp_mail(text)).text.strip() == text.strip()


def _cesu8(text: str) -> bytes:
    """UTF-8 with a character beyond the BMP written as its two UTF-16 halves (Tcl 8.6, Java)."""
    units = text.encode("utf-16-be")
    return b"".join(chr(int.from_bytes(units[i:i + 2], "big")).encode("utf-8", "surrogatepass")
                    for i in range(0, len(units), 2))


def test_an_emoji_written_as_two_surrogate_halves_is_joined() -> None:
    word = b"=?utf-8?B?" + base64.b64encode(_cesu8("Анна Николаева 🎬")) + b"?="
    name = b'"=?utf-8?B?' + base64.b64encode(_cesu8("📷 снимок.png")) + b'?="'
    parsed = parse_mail(b"From: " + word + b" <anna@example.ru>\nSubject: " + word + b"\nMIME-Version: 1.0\n"
                        b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=utf-8\n\n"
                        + _cesu8("Снимок во вложении 🎬") + b"\n--B\nContent-Type: image/png; name=" + name
                        + b"\nContent-Transfer-Encoding: base64\n\nZGF0YQ==\n--B--\n")
    assert (parsed.from_name, parsed.subject) == ("Анна Николаева 🎬", "Анна Николаева 🎬")
    assert [a.filename for a in parsed.attachments] == ["📷 снимок.png"]
    assert parsed.text.strip() == "Снимок во вложении 🎬"


def test_a_lone_surrogate_half_is_replaced_and_the_rest_kept() -> None:
    word = b"=?utf-8?B?" + base64.b64encode("Анна ".encode() + b"\xed\xa0\xbc") + b"?="
    assert parse_mail(b"From: a@example.ru\nSubject: " + word + b"\n\nhi\n").subject == "Анна \ufffd"


@pytest.mark.parametrize("ctype", [b"text/markdown; charset=utf-8", b"text/x-log"])
def test_an_inline_unnamed_text_of_another_subtype_is_the_text_when_there_is_no_other(ctype: bytes) -> None:
    # GNU mailutils labels the body with the type of its last file; RFC 2046 4.1.4 reads an
    # unknown text subtype as plain text.
    parsed = parse_mail(HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: " + ctype
                        + b"\nContent-Disposition: inline\n\nThe config is attached.\n--B\nContent-Type: text/plain;"
                        b" name=a.conf\nContent-Disposition: attachment; filename=a.conf\n\nx=1\n--B--\n")
    assert parsed.text.strip() == "The config is attached."
    assert "a.conf" in [a.filename for a in parsed.attachments]


def test_an_unnamed_invitation_stays_a_file() -> None:
    parsed = parse_mail(HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/calendar\n"
                        b"Content-Disposition: inline\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n--B--\n")
    assert "VCALENDAR" not in parsed.text and len(parsed.attachments) == 1


@pytest.mark.parametrize(("charset", "codec"), [("windows-1251", "cp1251"), ("koi8-r", "koi8-r"),
                                                ("iso-8859-1", "latin-1")])
def test_a_gateways_utf8_disclaimer_under_a_single_byte_label_is_read_line_by_line(charset: str, codec: str) -> None:
    # alterMIME appends its disclaimer's bytes as they are to a part of any charset.
    own = "Добрый день, нужна ли отдельная лицензия?" if codec != "latin-1" else "Bonjour, à bientôt, façade."
    body = own.encode(codec) + "\n\nКонфиденциально: только для адресата.\n".encode()
    parsed = parse_mail(HEAD + b"Content-Type: text/plain; charset=" + charset.encode()
                        + b"\nContent-Transfer-Encoding: 8bit\n\n" + body)
    assert parsed.text.split() == (own + " Конфиденциально: только для адресата.").split()


def test_one_8bit_pair_that_happens_to_be_utf8_stays_in_the_declared_charset() -> None:
    text = "Отчёт готов. Срок — до пятницы: «Я»"  # 'Я»' in windows-1251 is a valid UTF-8 pair
    parsed = parse_mail(HEAD + b"Content-Type: text/plain; charset=windows-1251\n\n" + text.encode("cp1251")
                        + b"\n" + "Ещё одна строка.".encode("cp1251") + b"\n")
    assert parsed.text.split() == (text + " Ещё одна строка.").split()
