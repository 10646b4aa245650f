"""Classes of failure found by other mail libraries' header and body test vectors (issue 15:
Roundcube, Horde, GMime, mailparse, imap_tools), each pinned by a minimal example written for
the test."""

from __future__ import annotations

import base64

from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.addresses import parse_addresses, without_comments
from supportdesk.mail.parsing.charsets import decode_bytes
from supportdesk.mail.parsing.headers import decode_header_text

HEAD = b"From: Ivan <ivan@example.ru>\nTo: support@example.com\nSubject: Test\nMIME-Version: 1.0\n"


def with_files(*parts: bytes) -> bytes:
    """A mail of a short text and the given parts (each its headers, an empty line, its body)."""
    files = b"".join(b"--B\n" + part + b"\n" for part in parts)
    return HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nsee the file\n" + files + b"--B--\n"


def names(*parts: bytes) -> list[str]:
    return [a.filename for a in parse_mail(with_files(*parts)).attachments]


# --- encoded words that an encoder split inside an escape or a base64 quantum -----------------

def test_a_q_escape_split_across_two_words_is_joined() -> None:
    assert decode_header_text("=?utf-8?Q?Certifica=?= =?utf-8?Q?C3=A7=C3=A3o?=") == "Certificação"
    assert decode_header_text("=?utf-8?Q?=D0=9E=D1=82=D1=87=D1=91=D1=?= =?utf-8?Q?82?=") == "Отчёт"


def test_base64_split_inside_a_quantum_is_joined() -> None:
    encoded = base64.b64encode("Отчёт за март".encode()).decode()
    words = " ".join(f"=?utf-8?B?{encoded[i:i + 5]}?=" for i in range(0, len(encoded), 5))
    assert decode_header_text(words) == "Отчёт за март"


def test_whole_words_still_decode_one_by_one() -> None:
    # a complete word ends the run: the next word's bytes are its own (no shift)
    assert decode_header_text("=?utf-8?B?0J/RgA==?= =?utf-8?B?0LjQsg==?=") == "Прив"
    assert decode_header_text("=?utf-8?Q?a=3D?= =?utf-8?Q?b?=") == "a=b"


# --- comments in a display name ----------------------------------------------------------------

def test_comments_are_no_part_of_a_display_name() -> None:
    assert parse_addresses(['"Ivan" (work) <ivan@example.ru>']) == [("Ivan", "ivan@example.ru")]
    assert parse_addresses(["Ivan Petrov ((nested) note) <ivan@example.ru>"]) == [("Ivan Petrov", "ivan@example.ru")]
    assert parse_addresses(["Pete(A nice \\) chap) <pete@example.org>"]) == [("Pete", "pete@example.org")]


def test_parentheses_inside_quotes_or_encoded_words_are_the_name() -> None:
    assert parse_addresses(['"Miles (Star) O\'Brian" (x) <m@example.org>']) == [("Miles (Star) O'Brian", "m@example.org")]
    assert parse_addresses(["=?utf-8?Q?Ivan_(Sales)?= <ivan@example.ru>"]) == [("Ivan (Sales)", "ivan@example.ru")]


def test_a_name_of_comments_only_is_their_text_and_a_smiley_is_no_comment() -> None:
    assert parse_addresses(["(Cron Daemon) <root@example.org>"]) == [("Cron Daemon", "root@example.org")]
    assert parse_addresses(["root@example.org (Cron Daemon)"]) == [("Cron Daemon", "root@example.org")]
    assert without_comments("Ivan :-( Petrov") == "Ivan :-( Petrov"


# --- base64 with padding inside ------------------------------------------------------------------

def test_a_base64_body_of_chunks_each_padded_decodes_whole() -> None:
    chunks = b"\n".join(base64.b64encode(line.encode()) for line in ("Звук пропадает ", "после обновления\n"))
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + chunks + b"\n"
    assert parse_mail(raw).text == "Звук пропадает после обновления"


def test_a_file_of_padded_chunks_keeps_every_byte() -> None:
    data = [b"\x89PNG\r\n\x1a\n\x00", b"\x01\x02\x03\x04"]
    body = b"\n".join(base64.b64encode(d) for d in data)
    raw = with_files(b"Content-Type: image/png; name=s.png\nContent-Transfer-Encoding: base64\n\n" + body)
    assert parse_mail(raw).attachments[0].content == b"".join(data)


def test_runs_of_padding_in_a_body_or_a_parameter_are_read_in_one_pass() -> None:
    # a pattern tried from every '=' of a long run scanned the run once per '=' (n^2 steps)
    run = b"=" * 200_000
    raw = with_files(b"Content-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\n" + run,
                     b"Content-Type: application/zip; name=b.zip" + run + b"\n\nx")
    assert [(a.filename, a.content) for a in parse_mail(raw).attachments][0] == ("a.pdf", b"")


# --- raw 8-bit bytes ------------------------------------------------------------------------------

def test_a_lone_8bit_sign_reads_as_typography_not_a_one_letter_word() -> None:
    assert decode_bytes(b"VIAGRA \xae")[0] == "VIAGRA ®"
    assert decode_bytes(b"\xb9 5, 10\xb0")[0] == "№ 5, 10°"
    # Cyrillic words still read as Cyrillic, one-letter words among them
    assert decode_bytes(b"\xe2 \xf1\xf0\xee\xea")[0] == "в срок"


def test_an_undeclared_latin1_letter_at_the_end_is_no_cut_utf8_character() -> None:
    assert decode_bytes(b"Caf\xe9")[0] == "Café"
    # beside whole UTF-8 characters, a cut one at the end is still a cut
    assert decode_bytes("Отчёт".encode() + b"\xd0")[0] == "Отчёт"


def test_a_few_latin_letters_alone_are_no_pair_of_rare_ideographs() -> None:
    # a detector reads four bytes as two Big5 characters ("噈晧"); neither Cyrillic nor a common
    # double-byte reading passed, so the letters windows-1252 gives are the reading
    assert decode_bytes(b"-\xe4\xf6\xfc\xdf-")[0] == "-äöüß-"
    # common Chinese and short Russian words keep their readings
    assert decode_bytes("你好".encode("gbk"))[0] == "你好"
    assert decode_bytes("да".encode("cp1251"))[0] == "да"
    assert decode_bytes("Счет".encode("cp1251"))[0] == "Счет"


def test_a_declared_latin_label_stays_unless_the_cyrillic_reading_is_words() -> None:
    # Slovak letters under their own label read as ISO-8859-5 give "ЛОЙшЕОЛЛш": no word
    slovak = "Test kódovania ťžščľžťťč".encode("iso-8859-2")
    assert decode_bytes(slovak, "iso-8859-2") == ("Test kódovania ťžščľžťťč", "iso8859-2", None)
    # German letters standing alone: "д ц ь" is no Russian (a lone letter is a word only in а, в, и, к, ...)
    german = "Testmail: ä ö ü".encode("latin-1")
    assert decode_bytes(german, "iso-8859-1")[0] == "Testmail: ä ö ü"
    assert decode_bytes(german, None)[0] == "Testmail: ä ö ü"
    # Russian mislabelled as Latin is still read as what it is, one-letter words included
    assert decode_bytes("Проблема с эфиром".encode("cp1251"), "iso-8859-2")[0] == "Проблема с эфиром"
    assert decode_bytes("КП и ТЗ".encode("cp1251"), "iso-8859-1")[0] == "КП и ТЗ"


def test_raw_8bit_text_in_a_quoted_printable_part_with_a_bare_equals_sign_is_kept() -> None:
    # Hand-written mail: 8-bit text left unencoded under "quoted-printable", an HTML attribute's
    # '=' that starts no escape; the whole body was lost as "undecodable"
    body = "<p>Счёт <a href=\"https://example.ru\">здесь</a> =D0 готов</p>\n".encode("koi8-r")
    raw = (HEAD + b"Content-Type: text/html; charset=koi8-r\nContent-Transfer-Encoding: quoted-printable\n\n"
           + body)
    p = parse_mail(raw)
    assert p.text == "Счёт здесь п готов" and "body: undecodable transfer encoding" not in p.defects


# --- alternatives ----------------------------------------------------------------------------------

def test_a_plain_version_fuller_than_a_cut_down_html_is_kept() -> None:
    plain = ("Новый заказ 28922\nКлиент Ковчег (Гусев Дмитрий)\nСегменты: Москва - Новосибирск\n"
             "Оплата: по счёту\n").encode()
    html = b"<html><body><p>\xd0\x9d\xd0\xbe\xd0\xb2\xd1\x8b\xd0\xb9 \xd0\xb7\xd0\xb0\xd0\xba\xd0\xb0\xd0\xb7 28922</p></body></html>"
    raw = (HEAD + b"Content-Type: multipart/alternative; boundary=A\n\n--A\nContent-Type: text/plain; charset=utf-8\n"
           b"Content-Transfer-Encoding: 8bit\n\n" + plain + b"--A\nContent-Type: text/html; charset=utf-8\n"
           b"Content-Transfer-Encoding: 8bit\n\n" + html + b"\n--A--\n")
    assert "Клиент Ковчег" in parse_mail(raw).text


def test_a_notice_in_place_of_the_plain_version_still_gives_way_to_the_html() -> None:
    raw = (HEAD + b"Content-Type: multipart/alternative; boundary=A\n\n--A\nContent-Type: text/plain\n\n"
           b"This is an HTML message. Please use an HTML capable mail program to read it.\n"
           b"--A\nContent-Type: text/html\n\n<p>Sound drops after the update to 6.2.1 on both channels</p>\n--A--\n")
    assert "Sound drops after the update" in parse_mail(raw).text


def test_of_several_plain_alternatives_the_last_is_read() -> None:
    # RFC 2046: alternatives go from the plainest to the richest; a part without headers is text/plain
    raw = (HEAD + b"Content-Type: multipart/alternative; boundary=A\n\n--A\nContent-Type: text/plain\n\n"
           b"An older rendition\n--A\n\nThe rendition the sender prefers\n--A--\n")
    assert parse_mail(raw).text == "The rendition the sender prefers"


# --- addresses ---------------------------------------------------------------------------------

def test_an_address_written_inside_an_encoded_word_is_name_text_not_the_sender() -> None:
    # RFC 2047 §5: an encoded word is never address syntax; the mailbox is the bracketed one
    assert parse_addresses(["=?utf-8?Q?boss@bank.example,?= <x@evil.example>"]) == [("boss@bank.example,", "x@evil.example")]
    assert parse_addresses(["=?utf-8?Q?<?= <ivan@example.ru>"]) == [("<", "ivan@example.ru")]


def test_a_name_of_many_encoded_words_before_an_unclosed_bracket_is_read_in_one_pass() -> None:
    # each word once a unit and once single characters gave 2^n readings to try before failing
    words = " ".join(["=?utf-8?Q?Ivan?="] * 60)
    assert parse_addresses([words + " <ivan@example.ru"]) == [("Ivan" * 60, "ivan@example.ru")]


def test_needless_quotes_around_a_local_part_are_dropped_needed_ones_kept() -> None:
    assert parse_addresses(['Ivan <"ivan.petrov"@example.ru>']) == [("Ivan", "ivan.petrov@example.ru")]
    assert parse_addresses(['"ivan petrov"@example.ru']) == [("", '"ivan petrov"@example.ru')]


def test_an_intranet_address_without_a_dot_is_kept_in_a_list_too() -> None:
    assert parse_addresses(["Ivan <ivan@intranet>, petr@example.ru"]) == [("Ivan", "ivan@intranet"), ("", "petr@example.ru")]
    assert parse_addresses(["(Ivan) ivan@intranet (work)"])[0][1] == "ivan@intranet"


# --- RFC 2231 sections without a charset ------------------------------------------------------------

def test_numbered_sections_win_over_the_plain_stand_in_even_without_a_charset() -> None:
    assert names(b"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=settings.txt;\n"
                 b' filename*0="settings of the"; filename*1=" second SDI output.txt"\n\nx') == [
        "settings of the second SDI output.txt"]


def test_german_letters_under_a_latin1_label_stay_german_in_a_file_name() -> None:
    # E4 F6 FC DF is "äöüß"; windows-1251 reads "дцьЯ", a word whose last letter turns capital
    assert names(b"Content-Type: application/pdf\nContent-Disposition: attachment;\n"
                 b" filename*=iso-8859-1''Pr%FCfbericht-%E4%F6%FC%DF.pdf\n\nx",
                 b"Content-Type: text/plain\n"
                 b'Content-Disposition: attachment; filename="=?iso-8859-1?Q?stra=DFe-=E4=F6=FC=DF.txt?="\n\ny') == [
        "Prüfbericht-äöüß.pdf", "straße-äöüß.txt"]
    # a Cyrillic name under the same label is still read as Cyrillic ("Счет.pdf", "НДС")
    assert decode_bytes(b"\xd1\xf7\xe5\xf2.pdf", "iso-8859-1")[0] == "Счет.pdf"
    assert decode_bytes(b"\xcd\xc4\xd1", "iso-8859-1")[0] == "НДС"


def test_a_parameter_after_another_without_its_semicolon_is_still_read() -> None:
    text_part = b'Content-Type: text/plain; charset="koi8-r" name="settings.txt"\nContent-Disposition: attachment'
    assert names(text_part + b"\n\ndata") == ["settings.txt"]
    assert names(b"Content-Type: application/zip; name=logs.zip size=3\n\ndata") == ["logs.zip"]
    # a name with spaces inside its quotes, or unquoted, stays whole
    pdf = b"Content-Type: application/pdf\nContent-Disposition: attachment; filename="
    assert names(pdf + b'"name=a b.pdf"\n\ndata') == ["name=a b.pdf"]
    assert names(pdf + b"my report.pdf\n\ndata") == ["my report.pdf"]


def test_a_q_escape_whose_fold_a_relay_unfolded_still_decodes() -> None:
    # "=\r\n D0" (a fold inside the word) arrives as "= D0" once a relay unfolded the header
    value = ("=?utf-8?Q?=D0=B3=D0=BE=D1=81_?==?utf-8?Q?(=D0=BF=D0=B5=D1=80=D0=B5= D0=B4=D0=B0=D0=B9_"
             "=D0=BA=D0=BE=D0?= =?utf-8?Q?=BC=D1=83?=")
    assert decode_header_text(value) == "гос (передай кому"
    # a '=' before a space and no escape stays as it was
    assert decode_header_text("=?utf-8?Q?a_=_b?=") == "a = b"


def test_a_b_word_that_holds_q_escapes_is_kept_as_sent_not_read_as_base64() -> None:
    value = "=?ISO-8859-1?B?Andr=E9?= What about this one? =?ISO-8859-1?Q?Andr=E9?="
    assert decode_header_text(value) == "=?ISO-8859-1?B?Andr=E9?= What about this one? André"
    # base64 chunks glued with their padding, and a last chunk over-padded, are still base64
    assert decode_header_text("=?utf-8?B?0JA=0JE=?=") == "АБ"
    assert decode_header_text("=?utf-8?B?0JDQkQ=?=") == "АБ"


def test_a_parameter_section_given_twice_is_the_later_one_without_its_charset_in_the_name() -> None:
    raw = (b"From: a@example.ru\nSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
           b"--B\nContent-Type: text/plain\n\nsee the file\n--B\n"
           b"Content-Disposition: attachment; filename*0*=UTF-8''old; filename*0*=UTF-8''%D0%BD%D0%BE%D0%B2;"
           b" filename*1*=.txt\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--B--\n")
    parsed = parse_mail(raw)
    assert [(a.filename, a.content) for a in parsed.attachments] == [("нов.txt", b"hello")]


def test_an_encoded_word_without_its_charset_is_read_as_undeclared_bytes() -> None:
    # ronomon/mime's vectors: "=??Q?test?=" is "test"; the bytes are guessed as raw 8-bit text is
    assert decode_header_text("=??Q?test?=") == "test"
    encoded = base64.b64encode("Счёт за март".encode("cp1251")).decode()
    assert decode_header_text(f"=??B?{encoded}?= ok") == "Счёт за март ok"
    assert decode_header_text("what =??= is this") == "what =??= is this"


# --- session 24: Mailpile, Postfix, QMF, RFC 2047 and mbox vectors ---------------------------

def test_a_word_after_a_bare_address_is_its_name_not_part_of_its_domain() -> None:
    assert parse_addresses(["ivan@example.ru Petrov"]) == [("Petrov", "ivan@example.ru")]
    assert parse_addresses(["Ivan ivan@example.ru Petrov"]) == [("Ivan Petrov", "ivan@example.ru")]
    assert parse_addresses(["ivan@example.ru Petrov, anna@example.ru"]) == [
        ("Petrov", "ivan@example.ru"), ("", "anna@example.ru")]
    # white space around the '@' or a dot is the obsolete syntax's, and joins
    assert parse_addresses(["ivan @ example.ru"]) == [("", "ivan@example.ru")]


def test_a_bracketed_local_part_with_a_name_is_the_sender_when_nothing_better_is_there() -> None:
    raw = b"From: Mail Delivery System <MAILER-DAEMON>\nTo: support@example.com\nSubject: Undelivered Mail\n\nx\n"
    parsed = parse_mail(raw)
    assert (parsed.from_name, parsed.from_addr) == ("Mail Delivery System", "mailer-daemon")
    assert parse_addresses(["Mail Delivery System <MAILER-DAEMON>"]) == []  # never a recipient


def test_a_fold_of_white_space_only_does_not_end_the_header() -> None:
    raw = (b"From: Ivan <ivan@example.ru>\nTo: Support\n  \n    <support@example.com>\nSubject  : Counter\n"
           b"\nbody text\n")
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.to_addrs, parsed.text.strip()) == ("Counter", ("support@example.com",), "body text")
    # a blank line of spaces before the body still ends it
    parsed = parse_mail(b"From: ivan@example.ru\nSubject: x\n  \nHello\n")
    assert (parsed.subject, parsed.text.strip()) == ("x", "Hello")


def test_an_encoded_word_glued_to_text_whose_bytes_do_not_read_is_kept_as_sent() -> None:
    first = base64.b64encode("Ошибка: ".encode() + "ж".encode()[:1]).decode()
    second = base64.b64encode("ж".encode()[1:] + " нет".encode()).decode()
    value = f"=?utf-8?B?{first}?=xyz=?utf-8?B?{second}?="
    assert decode_header_text(value) == value
    # glued but clean: decoded (mailers write "Re:=?...?=" and "=?...?=.pdf")
    word = base64.b64encode("Отчёт".encode()).decode()
    assert decode_header_text(f"Re:=?utf-8?B?{word}?=") == "Re:Отчёт"
    assert decode_header_text(f"=?utf-8?B?{word}?=.pdf") == "Отчёт.pdf"


def test_text_before_a_word_kept_as_sent_is_not_repeated() -> None:
    assert decode_header_text("abc =?utf-8?B?QW5k=cj1FOQ==?= def =?utf-8?Q?x?=") == "abc =?utf-8?B?QW5k=cj1FOQ==?= def x"


def test_a_name_of_several_quoted_words_is_their_text() -> None:
    assert parse_addresses(['"Petrov" "Ivan" <ivan@example.ru>']) == [("Petrov Ivan", "ivan@example.ru")]
    assert parse_addresses(['"Ivan \\"Vanya\\"" "Petrov" <ivan@example.ru>']) == [('Ivan "Vanya" Petrov', "ivan@example.ru")]
    # a company's name keeps the quotes of its own
    assert parse_addresses(['"ООО "Ромашка"" <info@example.ru>']) == [('ООО "Ромашка"', "info@example.ru")]


def test_the_mbox_escapes_of_a_mail_that_starts_with_its_mbox_line_are_removed() -> None:
    raw = b"From ivan@example.ru Mon Dec  7 10:00:00 2026\nFrom: ivan@example.ru\nSubject: s\n\n>From the log:\n>>From here\n"
    assert parse_mail(raw).text.splitlines() == ["From the log:", ">From here"]
    # without an mbox line, a '>From' is the writer's own quote
    assert parse_mail(raw.split(b"\n", 1)[1]).text.splitlines()[0] == ">From the log:"


def test_comments_before_an_address_do_not_hide_the_name_in_the_comment_after_it() -> None:
    assert parse_addresses(["(work) ivan@example.ru (Ivan Petrov)"]) == [("Ivan Petrov", "ivan@example.ru")]
    assert parse_addresses(["(work) <ivan@example.ru> (Ivan Petrov)"]) == [("Ivan Petrov", "ivan@example.ru")]


def test_base64_words_without_their_padding_are_each_their_own_text() -> None:
    unpadded = base64.b64encode("ок".encode()).decode().rstrip("=")
    assert decode_header_text(f"=?utf-8?B?{unpadded}?= =?utf-8?B?{unpadded}?=") == "окок"
    # a text the encoder split inside a quantum still reads as one
    whole = base64.b64encode("Отчёт".encode()).decode()
    assert decode_header_text(f"=?utf-8?B?{whole[:5]}?= =?utf-8?B?{whole[5:]}?=") == "Отчёт"


def test_a_plain_alternative_that_is_itself_a_multipart_gives_the_text() -> None:
    raw = HEAD + (b"Content-Type: multipart/alternative; boundary=A\n\n"
                  b"--A\nContent-Type: multipart/mixed; boundary=M\n\n"
                  b"--M\nContent-Type: text/plain; charset=utf-8\n\n" + "Счётчик не пишет.".encode() + b"\n"
                  b"--M\nContent-Type: image/png; name=screen.png\nContent-Disposition: inline\n\nPNG\n"
                  b"--M\nContent-Type: text/plain; charset=utf-8\n\n" + "Версия 4.2.".encode() + b"\n--M--\n"
                  b"--A\nContent-Type: text/html; charset=utf-8\n\n<p>HTML</p>\n--A--\n")
    parsed = parse_mail(raw)
    assert parsed.text.split() == ["Счётчик", "не", "пишет.", "Версия", "4.2."]
    assert [a.filename for a in parsed.attachments] == ["screen.png"]
    assert "HTML" in parsed.html_sanitised


def test_the_encoding_standards_labels_and_utf7s_other_names_are_known() -> None:
    thai = "สวัสดี".encode("cp874")
    assert decode_bytes(thai, "ms874")[0] == "สวัสดี"
    assert decode_bytes(thai, "dos-874")[0] == "สวัสดี"
    for label in ("x-unicode-2-0-utf-7", "csUnicode11UTF7", "x-unicode20utf7"):
        assert decode_bytes(b"Gr+APwA3w-e", label)[0] == "Grüße", label
    assert decode_bytes("Привет".encode("koi8-r"), "koi")[0] == "Привет"


def test_a_backslash_in_a_name_that_is_no_windows_path_is_kept() -> None:
    assert names(b'Content-Type: text/plain\nContent-Disposition: attachment; filename="du\\"ck\\\\.txt"\n\nx') == ['du"ck\\.txt']
    # a Windows path still gives its last part
    assert names(b'Content-Type: text/plain\nContent-Disposition: attachment; filename="C:\\\\Users\\\\ivan\\\\report.txt"\n\nx') == ["report.txt"]


def test_decomposed_text_from_a_mac_is_read_composed() -> None:
    import unicodedata
    from urllib.parse import quote

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    assert nfd("й") != "й"  # "и" and a combining breve
    raw = (f"From: {nfd('Андрей')} <a@example.ru>\nSubject: {nfd('Отчёт')}\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=utf-8\n\n"
           f"{nfd('Настройки не сохраняются')}\n--B\nContent-Type: text/plain\n"
           f"Content-Disposition: attachment; filename*=utf-8''{quote(nfd('Настройки.log').encode())}\n\nx\n--B--\n").encode()
    parsed = parse_mail(raw)
    assert (parsed.from_name, parsed.subject, parsed.text.strip()) == ("Андрей", "Отчёт", "Настройки не сохраняются")
    assert [a.filename for a in parsed.attachments] == ["Настройки.log"]


# --- session 25: Mail::Message, acqua, eml-codec, Offpost, ElkArte ----------------------------

def test_a_part_parameter_that_lost_its_folds_white_space_is_rejoined() -> None:
    # "filename*0*=..." at the start of a line: the parser took it for the part's body
    part = (b"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment;\n"
            b"filename*0*=utf-8''%D0%A1%D1%87%D0%B5%D1%82%20;\n filename*1*=%E2%84%96%207.pdf\n\nJVBERg==")
    assert names(part) == ["Счет № 7.pdf"]
    plain = b"Content-Type: text/plain;\ncharset=koi8-r\nContent-Disposition: attachment;\nfilename=notes.txt\n\n\xf0\xd2\xc9\xd7\xc5\xd4"
    assert names(plain) == ["notes.txt"]
    # the same lines in a text body are left alone
    body = HEAD + b"Content-Type: text/plain\n\nContent-Type: text/plain;\ncharset=utf-8\n"
    assert parse_mail(body).text.strip() == "Content-Type: text/plain;\ncharset=utf-8"


def test_a_quote_too_many_before_the_rfc2231_charset_is_dropped() -> None:
    part = b"Content-Type: text/plain\nContent-Disposition: attachment; filename*='utf-8''%D0%90%D0%BA%D1%82.txt\n\nx"
    assert names(part) == ["Акт.txt"]


def test_a_relay_domain_after_a_quoted_local_part_is_removed() -> None:
    assert parse_addresses(['<"petrov/msk/romashka"@romashka.ru@relay.example.net>']) == [
        ("", "petrov/msk/romashka@romashka.ru")]
    assert parse_addresses(['Ivan <"ivan petrov"@example.ru@gw.example.net>']) == [("Ivan", '"ivan petrov"@example.ru')]
    assert parse_addresses(['"a@b" <ivan@example.ru>']) == [("a@b", "ivan@example.ru")]


def test_a_field_glued_to_an_unfinished_encoded_word_is_split_off() -> None:
    raw = (b"From: Ivan <ivan@example.ru>\r\nTo: support@example.com\r\n"
           b"Subject: =?koi8-r?Q?=EF=D4=DE=C5=D4?= =?koi8-r?Q?_=DA=C1_=CD=C1=D2=D4?Thread-Topic: x\r\n\r\nbody\r\n")
    assert parse_mail(raw).subject == "Отчет за март"
    # a whole word followed by text with a colon stays as it is
    whole = HEAD.replace(b"Subject: Test", b"Subject: =?utf-8?Q?=D0=90?=Note: x") + b"\nbody\n"
    assert parse_mail(whole).subject == "АNote: x"


def test_a_multipart_closed_and_opened_again_keeps_its_later_parts() -> None:
    raw = (HEAD + b"Content-Type: multipart/alternative; boundary=B\n\n--B\nContent-Type: text/plain\n\nplain text\n"
           b"--B--\n\n--B\nContent-Type: text/html\n\n<p><b>html text</b></p>\n--B--\n")
    parsed = parse_mail(raw)
    assert "<b>html text</b>" in (parsed.html_sanitised or "")
    # a close followed by another boundary's open is no reopening
    nested = (HEAD + b"Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: multipart/alternative; boundary=B\n\n"
              b"--B\nContent-Type: text/plain\n\nplain\n--B--\n\n--A\nContent-Type: text/plain; name=a.txt\n"
              b"Content-Disposition: attachment\n\nfile\n--A--\n")
    assert [a.filename for a in parse_mail(nested).attachments] == ["a.txt"]


def test_a_comment_between_a_bare_address_and_a_word_does_not_glue_them() -> None:
    assert parse_addresses(["ivan@example.ru (work) Ivan"]) == [("Ivan", "ivan@example.ru")]
    assert parse_addresses(["ivan@example.ru (Ivan)"]) == [("Ivan", "ivan@example.ru")]


def test_in_a_list_a_name_that_looks_like_an_address_stays_a_name() -> None:
    # alone or first of a list, the mailbox is the bracketed address, not the one in its name
    spoof = "<boss@example.ru> <attacker@example.net>"
    assert parse_addresses([spoof]) == [("<boss@example.ru>", "attacker@example.net")]
    assert parse_addresses([spoof + ", anna@example.ru"]) == [("<boss@example.ru>", "attacker@example.net"),
                                                             ("", "anna@example.ru")]
    assert parse_addresses(['"Petrov, Ivan" <ivan@example.ru>, anna@example.ru']) == [
        ("Petrov, Ivan", "ivan@example.ru"), ("", "anna@example.ru")]


def test_a_base64_word_with_no_base64_in_it_is_kept_as_sent() -> None:
    assert decode_header_text("=?utf-8?B?----?=") == "=?utf-8?B?----?="
    assert decode_header_text("Re: =?utf-8?B?0J/RgNC40LLQtdGC?=") == "Re: Привет"


def test_a_comment_before_a_bare_address_is_its_name_when_none_follows() -> None:
    assert parse_addresses(["(Ivan Petrov) ivan@example.ru"]) == [("Ivan Petrov", "ivan@example.ru")]
    assert parse_addresses(["(work) ivan@example.ru (Ivan)"]) == [("Ivan", "ivan@example.ru")]
