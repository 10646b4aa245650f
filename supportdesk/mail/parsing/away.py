"""Out-of-office auto-replies: whether a robot's mail says its person is away, and until when.

Pure functions. Where the date stands is found here (a cue, "до", "по", "until", "back
on", then a date-shaped phrase); what it means, in Russian or English, with or without a
year, is dateparser's job.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_AWAY = re.compile(
    r"out of (?:the )?office|\bwill be back\b|\bvacation\b|\bholiday\b|\bannual leave\b|\baway\b|автоответ|"
    r"\bв отпуске\b|\bотпуск|\bотсутству|\bнет на месте\b|\bне будет\b|\bкомандировк|\bвне офиса\b",
    re.IGNORECASE,
)
_CUE = (r"(?:\bдо\b|\bпо\b|\bвернусь\b|\bвыйду\b|\bбуду на месте\b|\bбуду в офисе\b|\buntil\b|\btill\b|"
        r"\bthrough\b|\bto\b|\bback (?:in the office )?on\b|\breturn(?:ing)? on\b|\bback\b)")
_DATE = (r"\d{4}-\d{2}-\d{2}"                                   # 2026-12-14
         r"|\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?"                 # 14.12, 14.12.2026, 14/12/26
         r"|\d{1,2}(?:-?го|st|nd|rd|th)?\s+[A-Za-zА-Яа-яЁё]{3,}\.?(?:\s+\d{4})?"  # 14 декабря 2026, 14th Dec
         r"|[A-Za-z]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?")   # December 14, 2026
_UNTIL = re.compile(rf"{_CUE}\s*(?:[A-Za-zА-Яа-яЁё]+,?\s+)?({_DATE})", re.IGNORECASE)


# An away notice is a few lines: that its person is away, until when, whom to call meanwhile.
_NOTICE_MAX = 700
_NOTICE_HEAD = 400


def is_out_of_office(subject: str, text: str) -> bool:
    return bool(_AWAY.search(subject) or _AWAY.search(text[:2000]))


def is_away_notice(text: str) -> bool:
    """The whole text only says that its person is away until a date: short, its first lines
    saying so with the date, no question asked (an away notice asks nothing; a person who
    writes from a holiday usually does)."""
    body = text.strip()
    head = body[:_NOTICE_HEAD]
    return (len(body) <= _NOTICE_MAX and "?" not in body and bool(_AWAY.search(head))
            and bool(_UNTIL.search(head)))


def _read_date(phrase: str, base: datetime) -> datetime | None:
    import dateparser  # loads its language data on first use: only when an auto-reply arrives

    if phrase.replace(".", "").isdigit():
        phrase = phrase.replace(".", "/")  # "10.12" would read as the time 10:12
    return dateparser.parse(phrase, languages=["ru", "en"],  # type: ignore[no-any-return]
                            settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base,
                                      "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month"]})


def away_until(text: str, received: datetime) -> date | None:
    """The first date after an "until" cue, on or after the day the reply came; None when
    the text names none."""
    base = received.replace(tzinfo=None)
    for match in _UNTIL.finditer(text[:4000]):
        found = _read_date(match.group(1), base)
        if found is not None and found.date() >= base.date():
            return found.date()
    return None


def preload() -> None:
    """Load dateparser and its Russian and English data now (a quarter of a second of CPU),
    for a process that forks workers: they share it instead of each loading it on its first
    auto-reply."""
    base = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)  # naive, as away_until passes it
    _read_date("14 декабря", base)
    _read_date("December 14", base)

