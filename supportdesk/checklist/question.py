"""Is the request a question rather than a problem report?

A licence, a purchase, a price, a download or a how-to ("как добавить второй канал?") has no
steps that lead to a problem and no settings to look at, so the acknowledgment must not ask
for them. Only a request that describes no problem and lists no steps can be a question: a
symptom anywhere makes it a problem report, however it is phrased.
"""

from __future__ import annotations

import re

from supportdesk.checklist.text import clauses

_COMMERCIAL = re.compile(
    r"(?<![\w])(?:лиценз\w*|купить|покупк\w*|приобре\w*|стоимост\w*|сколько\s+стои\w*|цен[аыуе]|"
    r"прайс\w*|счет\w*\s+на\s+оплату|оплат\w*|коммерческ\w*\s+предложени\w*|скидк\w*|продлени\w*|"
    r"демо-?верси\w*|пробн\w*\s+верси\w*|licen[cs]\w*|purchas\w*|buy|price\w*|pricing|quote|invoice|"
    r"renew\w*|trial|how\s+much)(?![\w])"
)
HOW_TO = re.compile(
    r"(?<![\w])(?:как\s+(?:мне\s+|нам\s+|можно\s+)?(?:\w+ить|\w+ать|\w+ять|\w+еть|\w+ти)(?![\w])|"
    r"можно\s+ли|возможно\s+ли|есть\s+ли\s+(?:возможность|способ)|поддерживает\s+ли|"
    r"где\s+(?:можно\s+)?(?:скачать|найти|взять|посмотреть)|"
    r"how\s+(?:do|can|to|should)|is\s+it\s+possible|can\s+(?:i|we)|does\s+\w+(?:\s+\w+)?\s+support|"
    r"where\s+(?:can|do)\s+(?:i|we)\s+(?:download|find|get))(?![\w])"
)


def question_evidence(subject: str, text: str) -> str | None:
    """The clause that asks a commercial or how-to question, or None. Both are normalised;
    the caller has already found no description and no steps."""
    for clause in clauses(subject + "\n" + text):
        if _COMMERCIAL.search(clause) or (HOW_TO.search(clause) and "?" in clause):
            return clause
    return subject.strip() if HOW_TO.search(subject) else None
