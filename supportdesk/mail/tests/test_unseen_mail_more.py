"""More classes of mail nobody here wrote (issue 15): format=flowed bodies, raw 8-bit headers and
names in the message's own charset, names with a slash that is no path; each pinned by a
minimal example written for the test."""

from __future__ import annotations

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
