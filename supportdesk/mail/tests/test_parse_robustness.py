"""parse_mail never raises: mutated, truncated and byte-flipped mail always gives a ParsedMail."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.mail.parsing import ParsedMail, parse_mail, parsed_mail_json
from supportdesk.mail.parsing.params import split_params

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))
SEEDS = [p.read_bytes() for p in CORPUS if p.stat().st_size < 20000]


def _check(raw: bytes) -> ParsedMail:
    parsed = parse_mail(raw)
    assert isinstance(parsed, ParsedMail)
    assert isinstance(parsed.text, str) and isinstance(parsed.subject, str)
    assert all(isinstance(d, str) for d in parsed.defects)
    # The catch-all in parse_mail is a safety net; reaching it means a bug in our code.
    assert not [d for d in parsed.defects if d.startswith("parser error")], parsed.defects
    assert parsed.quoted_start is None or 0 <= parsed.quoted_start <= len(parsed.text)
    assert parsed.signature_start is None or 0 <= parsed.signature_start <= len(parsed.text)
    parsed_mail_json(parsed)
    return parsed


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "delete", "dup"]))
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from([
                b"=?", b"?=", b"=?utf-8?B?", b"\r", b"\n\n", b"--", b"\x00", b"\xff\xfe", b"=?koi8-r?Q?=FF",
                b"Content-Type: multipart/mixed; boundary=x\n", b"charset=\"", b"filename*0*=",
                b"<", b">", b"@", b"\"", b";", b"\xd0", b"=\n", b"=?\x00?B?", b"charset*=utf-8''%D0",
                b"Content-Type: message/delivery-status\n", b"Content-Type: message/rfc822\n",
            ]))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 200))]
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 500))]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_corpus_mail_never_raises(raw: bytes) -> None:
    _check(raw)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    _check(raw)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_header_text_never_raises(value: str) -> None:
    raw = b"From: " + value.encode("utf-8", "surrogatepass") + b"\nSubject: " + value.encode("utf-8", "surrogatepass")
    _check(raw + b"\n\nbody\n")


def test_every_truncation_of_a_multipart_mail_parses() -> None:
    raw = (Path(__file__).parent / "corpus" / "40_forward_rfc822_utf-8.eml").read_bytes()
    for end in range(0, len(raw), 37):
        _check(raw[:end])


def _nested(depth: int) -> bytes:
    body = (b"Content-Type: multipart/mixed; boundary=leaf\r\n\r\n--leaf\r\nContent-Type: text/plain\r\n\r\n"
            b"The titles are lost after the update.\r\n--leaf\r\nContent-Type: application/pdf; name=log.pdf\r\n"
            b"Content-Disposition: attachment; filename=log.pdf\r\n\r\n%PDF\r\n--leaf--\r\n")
    for i in range(depth):
        body = b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n%s\r\n--b%d--\r\n" % (i, i, body, i)
    return b"From: ivan@tv-sibir.ru\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + body


def test_parts_nested_deeper_than_the_walk_goes_are_read_flat_not_dropped() -> None:
    shallow, deep = parse_mail(_nested(3)), parse_mail(_nested(40))
    for parsed in (shallow, deep):
        assert parsed.text == "The titles are lost after the update."
        assert [a.filename for a in parsed.attachments] == ["log.pdf"]
    assert "structure: nesting too deep, the deeper parts read flat" in deep.defects


def test_overlong_address_headers_are_read_in_one_pass() -> None:
    # Address values shaped so that a pattern trying every split of them would take minutes
    # (each took 2-15 s at 20-40 KB before): read in one pass, the real address still found.
    shapes = ["Ivan <" + "@" * 80_000 + "> <ivan@example.ru>", "a@" + "." * 80_000 + " <ivan@example.ru>",
              "a," * 40_000 + "<ivan@example.ru>", "Ivan <x" + "@ " * 40_000 + "> <ivan@example.ru>"]
    for value in shapes:
        parsed = parse_mail(f"From: {value}\nTo: {value}\nSubject: x\n\nhello\n".encode())
        assert parsed.from_addr == "ivan@example.ru", value[:20]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(['"', ";", "\\", "=", "a", " ", "Ж", '\\"', ";;", '=""', "\t"]), max_size=40).map("".join))
def test_parameters_split_as_the_standard_library_splits_them(value: str) -> None:
    import email.message

    assert split_params(value) == email.message._parseparam(value)  # type: ignore[attr-defined]


def test_a_long_quoted_parameter_is_split_in_one_pass() -> None:
    # 200 KB of ';' inside one quoted file name: the standard library counts the quotes again
    # for each ';' (about a minute); the name is still read, once.
    raw = (b"From: a@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
           b"--XX\nContent-Type: text/plain\n\nhi\n--XX\nContent-Type: application/pdf\n"
           b'Content-Disposition: attachment; filename="a' + b";" * 200_000 + b'.pdf"\n\naGk=\n--XX--\n')
    parsed = parse_mail(raw)
    assert [len(a.filename) for a in parsed.attachments] == [255]  # cut to what a file system keeps


def test_a_blank_fold_before_many_folds_and_no_field_finishes() -> None:
    # A line of white space only, then folds that no field follows: the check whether the folds
    # lead to a field once tried every split of every fold line (2^n for n lines: 10 lines took
    # minutes). Run in a child so a regression fails here instead of hanging the suite.
    import subprocess
    import sys

    code = ("import sys; from supportdesk.mail.parsing import parse_mail; "
            "raw = b'From: a@example.ru\\nTo: Mary\\n  \\n' + b'          x\\n' * 40 + b'no field\\n\\nbody\\n'; "
            "sys.stdout.write(repr(parse_mail(raw).from_addr))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout == "'a@example.ru'"
