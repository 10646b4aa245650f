"""More classes of mail nobody here wrote (issue 15): format=flowed bodies, raw 8-bit headers and
names in the message's own charset, names with a slash that is no path; each pinned by a
minimal example written for the test."""

from __future__ import annotations

import base64

from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.body import unflow

HEAD = b"From: Ivan <ivan@example.ru>\nTo: support@example.com\nSubject: Test\nMIME-Version: 1.0\n"


# --- RFC 3676 format=flowed ----------------------------------------------------------------

def test_flowed_soft_breaks_are_joined_within_one_quote_depth() -> None:
    text = "Please check the \nlicence.\n> It stops after \n> an hour\n>> older \n> back\n From here\n-- \nIvan\n"
    assert unflow(text) == ("Please check the licence.\n> It stops after an hour\n>> older \n> back\n"
                            "From here\n-- \nIvan\n")


def test_flowed_delsp_drops_the_space_the_generator_added() -> None:
    assert unflow("日本語の \n文章です。\nhttps://example.com/a/very/long/ \npath\n", delsp=True) == (
        "日本語の文章です。\nhttps://example.com/a/very/long/path\n")


def test_a_flowed_body_reads_as_whole_lines() -> None:
    raw = (HEAD + b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n"
           + "Видео пропадает  \nчерез час.\n".encode())  # DelSp: the word's space and the added one
    assert parse_mail(raw).text == "Видео пропадает через час."
    fixed = raw.replace(b"; format=flowed; delsp=yes", b"")
    assert parse_mail(fixed).text == "Видео пропадает  \nчерез час."  # a fixed body keeps its lines


# --- raw 8-bit header text in the charset the message's text declares -----------------------

def _raw_mail(subject: bytes, charset: bytes, sender: bytes = b"ivan@example.ru") -> bytes:
    return (b"From: " + sender + b"\nTo: support@example.com\nSubject: " + subject
            + b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=" + charset + b"\n\nHello\n")


def test_a_raw_subject_is_read_in_the_body_charset() -> None:
    # Two Big5 characters: too short to guess (they read as Latin-1 accents), declared by the body.
    assert parse_mail(_raw_mail("你好".encode("big5"), b"big5")).subject == "你好"
    assert parse_mail(_raw_mail("会議".encode("cp932"), b"shift_jis")).subject == "会議"


def test_a_raw_utf8_subject_stays_utf8_whatever_the_body_says() -> None:
    assert parse_mail(_raw_mail("Ошибка №5".encode(), b"big5")).subject == "Ошибка №5"


def test_a_raw_display_name_is_read_in_the_body_charset() -> None:
    p = parse_mail(_raw_mail(b"Test", b"big5", sender="王小明 <wang@example.tw>".encode("big5")))
    assert (p.from_name, p.from_addr) == ("王小明", "wang@example.tw")


def test_raw_text_beside_encoded_words_is_in_their_charset() -> None:
    subject = b"=?big5?B?" + __import__("base64").b64encode("報告".encode("big5")) + b"?= " + "你好".encode("big5")
    assert parse_mail(_raw_mail(subject, b"us-ascii")).subject == "報告 你好"


def test_a_raw_file_name_is_read_in_its_part_charset_or_the_message_charset() -> None:
    raw = (b"From: ivan@example.ru\nSubject: Files\nMIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=B\n\n"
           b"--B\nContent-Type: text/plain; charset=big5\n\nHello\n"
           b"--B\nContent-Type: application/pdf; name=\"" + "報告.pdf".encode("big5") + b"\"\n\n%PDF\n"
           b"--B\nContent-Type: text/plain; charset=gb2312; name=\"" + "说明.txt".encode("gb2312") + b"\"\n\nx\n"
           b"--B--\n")
    assert [a.filename for a in parse_mail(raw).attachments] == ["報告.pdf", "说明.txt"]


# --- a slash inside a name is the name's own; a sent path is not kept ------------------------

def test_a_slash_between_words_stays_in_the_name_and_a_path_goes() -> None:
    from supportdesk.mail.parsing.parts import clean_filename

    assert clean_filename("Rechnung 01/2014.pdf") == "Rechnung 01/2014.pdf"
    assert clean_filename("Q1/Q2 план.xlsx") == "Q1/Q2 план.xlsx"
    for path in ("C:\\Users\\ivan\\Отчет.doc", "/home/ivan/Отчет.doc", "../../Отчет.doc", "\\\\srv\\d\\Отчет.doc",
                 "~/Отчет.doc", "a/./Отчет.doc"):
        assert clean_filename(path) == "Отчет.doc", path
    assert clean_filename("a/..") == ""
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nHi\n"
           b"--B\nContent-Type: application/pdf; name=\"Invoice 03/2026.pdf\"\n\n%PDF\n--B--\n")
    assert [a.filename for a in parse_mail(raw).attachments] == ["Invoice 03/2026.pdf"]


# --- MIME header values as mailers write them -------------------------------------------------

def test_a_transfer_encoding_with_junk_around_its_name_still_decodes() -> None:
    import base64

    body = base64.b64encode("Звук пропадает".encode())
    for cte in (b"base64;", b" BASE64 ", b'"base64"', b"base-64", b"base64 (by webmail)"):
        raw = HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: " + cte + b"\n\n" + body
        assert parse_mail(raw).text == "Звук пропадает", cte
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable;\n\n=D0=97=D0=B2"
    assert parse_mail(raw).text == "Зв"


def test_a_content_type_parameter_without_its_semicolon_is_a_parameter() -> None:
    raw = HEAD + b"Content-Type: text/plain charset=windows-1251\n\n" + "Звук пропадает".encode("cp1251")
    p = parse_mail(raw)
    assert (p.text, p.attachments) == ("Звук пропадает", ())
    raw = (HEAD + b"Content-Type: multipart/mixed boundary=B\n\n--B\nContent-Type: text/plain\n\nHi\n"
           b"--B\nContent-Type: application/pdf; name=a.pdf\n\n%PDF\n--B--\n")
    p = parse_mail(raw)
    assert (p.text, [a.filename for a in p.attachments]) == ("Hi", ["a.pdf"])


def test_8bit_text_under_a_us_ascii_label_is_read_as_undeclared() -> None:
    raw = HEAD + b"Content-Type: text/plain; charset=us-ascii\n\nVielen Dank f\xfcr die schnelle Antwort.\n"
    assert parse_mail(raw).text == "Vielen Dank für die schnelle Antwort."


def test_an_encoded_word_holding_two_base64_chunks_decodes_both() -> None:
    import base64

    word = b"=?UTF-8?B?" + base64.b64encode("Отчет".encode()) + base64.b64encode(" за май".encode()) + b"?="
    assert parse_mail(b"From: ivan@example.ru\nSubject: " + word + b"\n\nHi\n").subject == "Отчет за май"


# --- encoded words as mailers damage them ----------------------------------------------------

def _subject(value: bytes) -> str:
    return parse_mail(b"From: ivan@example.ru\nSubject: " + value + b"\n\nHi\n").subject


def test_an_encoded_word_cut_before_its_end_still_decodes() -> None:
    assert _subject(b"Re: =?utf-8?B?0J/RgNC40LLQtdGC") == "Re: Привет"
    assert _subject(b"=?utf-8?B?0J/RgNC40LLQtd") == "Приве"  # cut inside the last character
    assert _subject(b"=?utf-8?B?broken") == "=?utf-8?B?broken"  # bytes that read as nothing: kept


def test_a_fold_inside_a_q_word_is_no_space() -> None:
    assert _subject(b"=?utf-8?Q?=D0=9F=D1=80=D0=B8\n =D0=B2=D0=B5=D1=82?=") == "Привет"
    assert _subject(b"=?iso-8859-1?Q?Gr=FC=DFe aus K=F6ln?=") == "Grüße aus Köln"  # a literal space stays


def test_a_literal_question_mark_in_a_q_word() -> None:
    assert _subject(b"=?iso-8859-1?Q?Wer_hat_die_Gr=F6=DFe??=") == "Wer hat die Größe?"
    assert _subject(b"=?utf-8?Q?Is_it_ok?_Yes?= =?utf-8?Q?_really?=") == "Is it ok? Yes really"


# --- a part named only by its Content-Location (RFC 2557) --------------------------------------

def test_an_unnamed_part_takes_the_file_its_content_location_names() -> None:
    raw = (HEAD + b"Content-Type: multipart/related; boundary=B\n\n--B\nContent-Type: text/html\n\n<img src=x>\n"
           b"--B\nContent-Type: image/png\nContent-ID: <part1.123@example.ru>\n"
           b"Content-Location: http://intranet.example.ru/img/%D0%A1%D1%85%D0%B5%D0%BC%D0%B0.png?v=2\n\nPNG\n"
           b"--B\nContent-Type: image/gif\nContent-Location: logo.gif\n\nGIF\n"
           b"--B\nContent-Type: image/gif\nContent-Location: http://example.com/\n\nGIF\n--B--\n")
    p = parse_mail(raw)
    assert [(a.filename, a.name_generated) for a in p.attachments] == [
        ("Схема.png", False), ("logo.gif", False), ("image.gif", True)]


def test_a_name_whose_quote_never_closes_ends_before_the_next_parameter() -> None:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nHi\n"
           b"--B\nContent-Type: application/pdf\n"
           b"Content-Disposition: attachment; filename=\"Schet 15.pdf; size=1234;\n creation-date=\"Mon, 2 Mar 2026\"\n\n%PDF\n--B--\n")
    assert [a.filename for a in parse_mail(raw).attachments] == ["Schet 15.pdf"]


def test_a_uuencode_m_block_in_the_text_is_a_file() -> None:
    import base64

    data = bytes(range(256)) * 2
    raw = HEAD + b"\nThe log:\n\nbegin-base64 644 " + "Журнал ошибок.log".encode() + b"\n"
    raw += base64.encodebytes(data) + b"====\n\nThanks\n"
    p = parse_mail(raw)
    assert [(a.filename, a.content) for a in p.attachments] == [("Журнал ошибок.log", data)]
    assert "Thanks" in p.text


# --- charset labels Python's registry does not know --------------------------------------------

def test_charset_labels_as_mailers_spell_them() -> None:
    from supportdesk.mail.parsing.charsets import normalize_charset

    assert [normalize_charset(label) for label in (
        "iso-8859-8-i", "x-mac-roman", "x-cp1250", "win-1251", "ansi-1251", "cp-866", "8859-1", "x-x-big5",
        '3D"utf-8"', "koi8-ru")] == [
        "iso8859-8", "mac-roman", "cp1250", "windows-1251", "windows-1251", "cp866", "latin-1", "big5", "utf-8", "koi8-u"]
    assert normalize_charset("x-unknown") == "" and normalize_charset("bogus") == ""
    raw = HEAD + b"Content-Type: text/plain; charset=iso-8859-8-i\n\n\xf9\xec\xe5\xed\n"
    assert parse_mail(raw).text == "שלום"


# --- message structure as broken mailers write it -----------------------------------------------

_PARTS = (b"--Part\nContent-Type: text/plain\n\nbody text\n--Part\nContent-Type: application/pdf; name=a.pdf\n\n%PDF\n"
          b"--Part--\n")


def test_a_body_that_starts_right_after_the_headers_keeps_its_parts() -> None:
    p = parse_mail(HEAD + b"Content-Type: multipart/mixed; boundary=Part\n" + _PARTS)
    assert (p.text, [a.filename for a in p.attachments], p.subject) == ("body text", ["a.pdf"], "Test")
    p = parse_mail(HEAD + b"-- \nIvan\n")  # a signature straight after the headers is body too
    assert (p.text, p.subject) == ("-- \nIvan", "Test")


def test_a_boundary_spelt_in_another_case_in_the_body_still_splits_it() -> None:
    p = parse_mail(HEAD + b"Content-Type: multipart/mixed; boundary=\"PART\"\n\n" + _PARTS)
    assert (p.text, [a.filename for a in p.attachments]) == ("body text", ["a.pdf"])


def test_classic_mac_line_ends() -> None:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=Part\n\n" + _PARTS).replace(b"\n", b"\r")
    p = parse_mail(raw)
    assert (p.from_addr, p.text, [a.filename for a in p.attachments]) == ("ivan@example.ru", "body text", ["a.pdf"])


def test_white_space_after_a_soft_line_break_is_transport_padding() -> None:
    raw = (HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
           b"=D0=97=D0=B2=D1=83=D0=BA =  \n=D0=BF=D1=80=D0=BE=D0=BF=D0=B0=D0=B4=D0=B0=D0=B5=D1=82=\t\n.\n")
    assert parse_mail(raw).text == "Звук пропадает."


def test_an_unquoted_last_first_display_name_keeps_its_comma() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    assert parse_addresses(["Petrov, Ivan <ivan@example.ru>"]) == [("Petrov, Ivan", "ivan@example.ru")]
    assert parse_addresses(["Ivan <i@example.ru>, Olga <o@example.ru>"]) == [("Ivan", "i@example.ru"),
                                                                            ("Olga", "o@example.ru")]


def test_a_few_bytes_of_data_under_a_text_or_invalid_type_are_a_file_named_as_sent() -> None:
    # "unknown" is no type at all (RFC 2045 reads it as text/plain), but the bytes are data.
    p = parse_mail(HEAD + b'Content-Type: unknown; name="test"\nContent-Transfer-Encoding: quoted-printable\n\n'
                   b"=00=01=02=03=FD=FE=FF")
    assert (p.text, [(a.filename, a.size) for a in p.attachments]) == ("", [("test", 7)])
    p = parse_mail(HEAD + b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nAAECA/3+/w==\n")
    assert (p.text, [(a.filename, a.size) for a in p.attachments]) == ("", [("body.bin", 7)])


def test_data_the_sender_attached_as_the_only_part_is_one_file() -> None:
    p = parse_mail(HEAD + b"Content-Type: text/plain\nContent-Disposition: attachment; filename=x.dat\n\n"
                   b"\x00\x01\x02binary")
    assert (p.text, [a.filename for a in p.attachments]) == ("", ["x.dat"])


def test_one_stray_control_byte_in_a_short_text_keeps_it_text() -> None:
    p = parse_mail(HEAD + b"Content-Type: text/plain\n\nThe log shows \x01 here")
    assert (p.text, p.attachments) == ("The log shows \x01 here", ())


def test_an_obsolete_source_route_is_ignored_and_the_name_kept() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    assert parse_addresses(["Ivan <@relay1.example,@[IPv6:2001:db8::1]:ivan@example.ru>"]) == [
        ("Ivan", "ivan@example.ru")]
    assert parse_addresses(['"Иван Петров" < @relay.example : ivan@example.ru>']) == [("Иван Петров", "ivan@example.ru")]
    assert parse_addresses(["Ivan <\t@relay.example:ivan@example.ru>"]) == [("Ivan", "ivan@example.ru")]


def test_an_address_with_two_at_signs_keeps_its_first_address_and_the_name() -> None:
    for value in ("José <josé@example.es@relay.example>".encode(), b"Jose <jose@example.es@relay.example>"):
        p = parse_mail(b"From: " + value + b"\nTo: support@example.com\nSubject: t\n\nhi\n")
        assert (p.from_name, p.from_addr) == (value.split(b" <")[0].decode(), value.split(b"<")[1].split(b"@relay")[0].decode())
    p = parse_mail("From: josé@example.es@relay.example\nSubject: t\n\nhi\n".encode())
    assert p.from_addr == "josé@example.es"  # the raw UTF-8 local part is letters, not a cut point


def test_a_company_name_keeps_its_own_closing_quote() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    encoded = "=?UTF-8?B?" + base64.b64encode('ООО "Ромашка"'.encode()).decode() + "?= <a@example.ru>"
    for value in (encoded, '"ООО \\"Ромашка\\"" <a@example.ru>', 'ООО "Ромашка" <a@example.ru>',
                  '"ООО "Ромашка"" <a@example.ru>', '"ООО "Ромашка" <a@example.ru>'):
        assert parse_addresses([value]) == [('ООО "Ромашка"', "a@example.ru")], value
    # quotes that only wrap the name still go, one at an edge too
    for value, name in (("'Ivan' <a@example.ru>", "Ivan"), ('" Ivan Petrov " <a@example.ru>', "Ivan Petrov"),
                        ('"Ivan <a@example.ru>', "Ivan"), ("\"O'Brien\" <a@example.ru>", "O'Brien")):
        assert parse_addresses([value]) == [(name, "a@example.ru")], value


def _qp(body: bytes, charset: bytes = b"utf-8") -> str:
    return parse_mail(HEAD + b"Content-Type: text/plain; charset=" + charset +
                      b"\nContent-Transfer-Encoding: quoted-printable\n\n" + body).text


def test_an_equals_sign_that_starts_no_escape_is_kept_as_written() -> None:
    # a mailer that labels text quoted-printable without encoding its '=' (a pasted log, code)
    assert _qp(b"if a == b:\n===== log ===== 1\nrc=ZZ ==44 =G1\n") == "if a == b:\n===== log ===== 1\nrc=ZZ =D =G1"
    assert _qp(b"=D0=97=d0=b2=D1=83=D0=BA=\n ok\n") == "Звук ok"  # lower-case hex, soft break


def test_utf8_cut_inside_its_last_character_before_the_line_end() -> None:
    assert _qp(b"text=C3=B5end=C3\n") == "textõend"


def test_a_named_text_without_a_disposition_is_read_when_the_mail_has_no_other_text() -> None:
    # old mailers attach the letter itself as "msg.txt" with no Content-Disposition; clients show it inline
    raw = (HEAD + b'Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; name="msg.txt"\n\n'
           b"Sound drops after the update\n--B\nContent-Type: application/pdf; name=a.pdf\n\n%PDF\n--B--\n")
    p = parse_mail(raw)
    assert (p.text, [a.filename for a in p.attachments]) == ("Sound drops after the update", ["msg.txt", "a.pdf"])
    # beside the letter's own text it stays a file only
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nSee the log\n"
           b'--B\nContent-Type: text/plain; name="log.txt"\n\nERROR 42\n--B--\n')
    assert parse_mail(raw).text == "See the log"


def test_comments_inside_the_brackets_are_no_part_of_the_name() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    assert parse_addresses(["Ivan Petrov <(work) ivan@example.ru (office)>"]) == [("Ivan Petrov", "ivan@example.ru")]
    # before them too (RFC 5322 §3.4: a comment is no part of the phrase), as the standard
    # library's header registry, Roundcube and GMime read it
    assert parse_addresses(["Ivan Petrov (Sales) <ivan@example.ru>"]) == [("Ivan Petrov", "ivan@example.ru")]


def test_a_comment_nested_in_the_comment_that_names_the_sender_keeps_its_parentheses() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    # the old "address (Name)" form (Go's net/mail and a Go MIME parser's tests assert these);
    # the standard library flattens the inner comment to "Adam Sjøgren Debian"
    assert parse_addresses(["asjo@example.com (Adam =?utf-8?Q?Sj=C3=B8gren?= (Debian))"]) == [
        ("Adam Sjøgren (Debian)", "asjo@example.com")]
    assert parse_addresses([r"ivan@example.ru (Ivan \(Vanya\) Petrov)"]) == [("Ivan (Vanya) Petrov", "ivan@example.ru")]
    assert parse_addresses(["ivan@example.ru (Ivan Petrov)"]) == [("Ivan Petrov", "ivan@example.ru")]
    # two such mailboxes in one field are still two
    assert parse_addresses(["ivan@example.ru (Ivan), anna@example.ru (Anna)"]) == [
        ("Ivan", "ivan@example.ru"), ("Anna", "anna@example.ru")]


def test_words_before_a_bare_address_are_its_name_rather_than_a_comment_after_it() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    # a webmail's address tests (Cypht): the phrase is the name, its quotes no part of it
    assert parse_addresses(['"stuff" foo blah@tests.com (comment here)']) == [("stuff foo", "blah@tests.com")]
    assert parse_addresses(["Ivan Petrov ivan@example.ru (work)"]) == [("Ivan Petrov", "ivan@example.ru")]
    # with no words, the comment is still the name
    assert parse_addresses(["mailto:ivan@example.ru (Ivan)"]) == [("Ivan", "ivan@example.ru")]


def test_a_quoted_address_before_a_bare_one_is_its_name_not_a_second_mailbox() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    # Outlook's 'address' as the name, the brackets around the real address lost on the way
    assert parse_addresses(["'not@addy.com' actual@foo.com"]) == [("not@addy.com", "actual@foo.com")]
    assert parse_addresses(['"ivan@example.ru" ivan@example.ru']) == [("ivan@example.ru", "ivan@example.ru")]


def test_hard_address_syntax_is_read_as_rfc_5322s_grammar_reads_it() -> None:
    from supportdesk.mail.parsing.addresses import parse_addresses

    # Perl's Email::Address::XS and Email::Address::List, Haskell's hsemail (RFC 5322 vectors)
    assert parse_addresses(['"Winston (Smith)" <w@example.org> (after), J <j@example.org>']) == [
        ("Winston (Smith)", "w@example.org"), ("J", "j@example.org")]
    assert parse_addresses(['"G": "N" <a@example.org> (c);']) == [("N", "a@example.org")]
    assert parse_addresses([r'"()<>[]:;@\\,.\"" <foo@bar.biz>']) == [('()<>[]:;@\\,."', "foo@bar.biz")]
    assert parse_addresses(['first(Welcome to\r\n the ("wonderful" (!)) world\r\n of email)@example.com']) == [
        ("", "first@example.com")]
    assert parse_addresses(["first.(\r\n middle\r\n )last@example.com"]) == [("", "first.last@example.com")]
    # a comment inside the address is no name (the lenient parser gave "a a")
    assert parse_addresses(["first(a)@example.com"]) == [("", "first@example.com")]
    # the old convention stays: the comment after a bare address names it
    assert parse_addresses(["ivan@example.ru (Ivan), anna@example.ru (Anna)"]) == [
        ("Ivan", "ivan@example.ru"), ("Anna", "anna@example.ru")]


def test_the_grammar_reads_only_a_bounded_share_of_a_header() -> None:
    from unittest import mock

    from supportdesk.mail.parsing import addresses

    hard = '"G": "N" <a@example.org> (c);'
    with mock.patch.object(addresses.rfc5322, "get_address_list", wraps=addresses.rfc5322.get_address_list) as grammar:
        assert addresses.parse_addresses([hard]) == [("N", "a@example.org")]
        assert grammar.call_count == 1
        # a header repeated past the budget (an attacker's thousand Cc lines of quotes: ~25 µs a
        # character in the grammar) is read by the lenient reader alone
        addresses.parse_addresses([hard] + ['"' * 900] * 10)
        assert grammar.call_count == 1
        addresses.parse_addresses(['"' * (addresses._GRAMMAR_MAX + 1)])
        assert grammar.call_count == 1


def test_a_boundary_folded_inside_its_quotes_still_splits_the_body() -> None:
    for eol in (b"\n", b"\r\n"):
        raw = (b"From: Ivan <ivan@example.ru>\nSubject: Test\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n"
               b'    boundary="----=_NextPart\n _000_0002_01BFC036"\n\n'
               b"------=_NextPart _000_0002_01BFC036\nContent-Type: text/plain\n\nbody text\n"
               b"------=_NextPart _000_0002_01BFC036\nContent-Type: image/png; name=a.png\n"
               b"Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n------=_NextPart _000_0002_01BFC036--\n").replace(b"\n", eol)
        p = parse_mail(raw)
        assert (p.text, [a.filename for a in p.attachments]) == ("body text", ["a.png"])


def test_a_field_with_8bit_bytes_in_its_name_is_neither_a_fold_nor_the_body() -> None:
    p = parse_mail(b"From: Ivan <ivan@example.ru>\nSubject: hello\nX-Te\xffst: value\nReply-To: olga@example.ru\n\nbody\n")
    assert (p.subject, p.reply_to, p.text) == ("hello", ("olga@example.ru",), "body")


# --- session 17: UTF-8 beside single-byte lines, two different alternatives, doubled brackets --

def test_utf8_lines_beside_a_latin1_signature_are_each_read_in_their_own_charset() -> None:
    body = "Звук пропал, Jürgen\n".encode() + "--\nGeschäftsführer, Gießen\n".encode("latin-1")
    for label in (b"; charset=utf-8", b""):
        p = parse_mail(HEAD + b"Content-Type: text/plain" + label + b"\n\n" + body)
        assert "Звук пропал, Jürgen" in p.text, label
        assert "Geschäftsführer, Gießen" in p.text, label


def test_a_latin1_text_with_no_utf8_line_is_still_latin1() -> None:
    p = parse_mail(HEAD + b"Content-Type: text/plain; charset=utf-8\n\n" + "Grüße aus Gießen\n".encode("latin-1"))
    assert "Grüße aus Gießen" in p.text


def _two_texts(plain: str, html: str) -> tuple[str, str]:
    raw = (HEAD + b"Content-Type: multipart/alternative; boundary=A\n\n--A\nContent-Type: text/plain; charset=utf-8\n\n"
           + plain.encode() + b"\n--A\nContent-Type: text/html; charset=utf-8\n\n" + html.encode() + b"\n--A--\n")
    p = parse_mail(raw)
    return p.text, p.html_sanitised or ""


def test_a_short_plain_text_unlike_the_html_but_no_notice_is_kept() -> None:
    # Two texts of their own: nothing in the plain one says it stands in for the HTML.
    text, html = _two_texts("Звук пропал на втором выходе", "<p>Лицензия истекает завтра, продлите</p>")
    assert text == "Звук пропал на втором выходе"
    assert "Лицензия истекает" in html


def test_a_quoted_name_before_doubled_angle_brackets_is_kept() -> None:
    p = parse_mail(b'From: "Ivan Petrov" <<ivan@example.ru>>\nSubject: x\n\nhi\n')
    assert (p.from_name, p.from_addr) == ("Ivan Petrov", "ivan@example.ru")
    p = parse_mail(b'From: "a <<b>>" <ivan@example.ru>\nSubject: x\n\nhi\n')
    assert (p.from_name, p.from_addr) == ("a <<b>>", "ivan@example.ru")  # inside the quotes: the name's own


def test_an_inline_html_part_with_a_file_name_is_shown_when_the_mail_has_no_other_body() -> None:
    # A mass mailer's only content: a link around a picture in an HTML part that names a file.
    html = '<p><a href="https://offer.example.net/go"><img src="https://img.example.net/a.gif"></a></p>'
    raw = (HEAD + b'Content-Type: multipart/related; boundary="b"\n\n--b\n'
           b'Content-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: base64\n'
           b'Content-Disposition: inline; filename="picture.tif"\n\n'
           + base64.encodebytes(html.encode()) + b"--b--\n")
    parsed = parse_mail(raw)
    assert parsed.html_sanitised is not None and "https://offer.example.net/go" in parsed.html_sanitised
    assert [a.filename for a in parsed.attachments] == ["picture.tif"]  # the file is kept as sent
    with_text = raw.replace(b"--b--\n", b"--b\nContent-Type: text/plain\n\nSee the offer.\n--b--\n")
    assert parse_mail(with_text).html_sanitised is None  # a mail with its own body shows that one
