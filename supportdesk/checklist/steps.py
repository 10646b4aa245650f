"""Does a request list the actions that lead to the problem?

Steps are the customer's actions that bring the problem about: numbered or bulleted lines
that each hold an action verb, numbered items inline ("Шаги: 1) …; 2) …"), a run of action
verbs in one clause or under a steps heading ("запускаю, открываю, нажимаю"), or one action
stated as the trigger of a symptom ("Нажимаю «Стоп» — программа зависает"); the verbs are in
``actions``. What the customer tried in order to fix it ("пробовали перезагрузить") is not a
step towards the problem, nor is an upgrade told as background ("установили 6.2.1, и превью
чёрные").
"""

from __future__ import annotations

import re

from supportdesk.checklist.actions import customer_action, english_base, is_action
from supportdesk.checklist.symptoms import has_symptom
from supportdesk.checklist.text import clauses, words

# What was tried to fix it: a restart or reinstall someone tried, or anything that "did not help".
_FIX_ATTEMPT = re.compile(
    r"(?:пробова|пыта|tried)\w*\s+(?:\w+\s+)?(?:пере\w+|обнов\w+|удал\w+|сбро\w+|сбра\w+|отключ\w+|замен\w+|"
    r"помен\w+|restart\w*|reinstall\w*|reboot\w*|updat\w*|upgrad\w*|remov\w*|reset\w*|replac\w*)"
    r"|не помогл|не помогает|didn't help|did not help|doesn't help|no change|безрезультатно"
)
# "1.", "1)", a bullet, or "1 " where a table's numbered rows became text.
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|\d{1,2}\s+(?=[^\W\d])|[-•*–—])\s*")
_INLINE_ITEM = re.compile(r"(?:^|(?<=\s)|(?<=[:;,]))(\d{1,2})\s*[.)]\s+")
_STEPS_HEADING = re.compile(
    r"(?:шаги|порядок|действия|(?:делаем|делаю|делал\w*)(?:\s+так)?|воспроизвести|воспроизвод\w*|"
    r"последовательност\w*|сценари\w*|алгоритм|что\s+делаем|steps|to\s+reproduce|reproduction|repro|"
    r"scenario|what\s+we\s+do|what\s+i\s+do)[^:\n]{0,20}:\s*"
)
# What happens after the action shown rather than told: "— результат на видео", "see the video".
_SHOWN = re.compile(r"(?:как|см\.?|смотрите|see|as)\s+(?:на\s+|in\s+the\s+|the\s+)?(?:видео|video|скрин\w*|screenshot)")
# A trigger told after its symptom: "зависает, когда нажимаю «Стоп»", "goes black when I press Take".
_WHEN = re.compile(r"(?<![\w])(?:когда|как\s+только|если|каждый\s+раз|стоит\s+только|when|whenever|if|as\s+soon\s+as|every\s+time)(?![\w])")
_ORDER = re.compile(
    r"(?<![\w])(?:сначала|потом|затем|после\s+этого|далее|first|then|next|after\s+that)(?![\w])"
)


def _actions(text: str) -> list[str]:
    tokens = words(text)
    return [token for index, token in enumerate(tokens) if is_action(token) or customer_action(tokens, index)]


def _list_steps(lines: list[str]) -> list[str]:
    items = [line for line in lines if _LIST_ITEM.match(line) and not _FIX_ATTEMPT.search(line)]
    return [line.strip() for line in items if _actions(_LIST_ITEM.sub("", line))]


def _inline_steps(line: str) -> list[str]:
    """"1) открываю …; 2) нажимаю …" on one line: items numbered 1, 2, … that hold actions."""
    marks = list(_INLINE_ITEM.finditer(line))
    numbers = [int(m.group(1)) for m in marks]
    if len(marks) < 2 or numbers[:2] != [1, 2]:
        return []
    ends = [m.start() for m in marks[1:]] + [len(line)]
    items = [line[mark.end() : end] for mark, end in zip(marks, ends, strict=True)]
    return [item.strip(" ;,") for item in items if _actions(item) and not _FIX_ATTEMPT.search(item)]


def _under_heading(text: str) -> str | None:
    """The paragraph after "Шаги такие:" / "Делаем так:" when it holds two actions or more."""
    for match in _STEPS_HEADING.finditer(text):
        paragraph = re.split(r"\n\s*\n", text[match.end() :], maxsplit=1)[0]
        if not _FIX_ATTEMPT.search(paragraph) and len(_actions(paragraph)) >= 2:
            return paragraph.strip()
    return None


def _trigger(clause: str) -> bool:
    """One action of the customer's followed by what goes wrong: "нажимаю Стоп — зависает"."""
    tokens = words(clause)
    for index in range(len(tokens)):
        if customer_action(tokens, index):
            after = clause.split(tokens[index], 1)[1]
            when = _WHEN.search(clause)
            if when and when.start() < clause.find(tokens[index]):
                return has_symptom(clause)  # "…, когда нажимаю «Стоп»": the symptom may come first
            return has_symptom(after) or bool(_SHOWN.search(after))
    # An English imperative opening a stretch of the clause: "…, press Play and it stops".
    for match in re.finditer(r"(?:^|[,;:—])\s*([a-z][\w-]*)", clause):
        if english_base(match.group(1)) is not None:
            return has_symptom(clause[match.end(1) :])
    return False


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if part.strip()]


def _sequence(paragraph: str) -> bool:
    """Actions told one sentence each: "Открываем выпуск. Потом выделяем сюжеты." Two with a word
    of order (сначала, потом, затем, then, next), or three without."""
    sentences = [sentence for sentence in _sentences(paragraph) if not _FIX_ATTEMPT.search(sentence)]
    acting = 0
    for sentence in sentences:
        tokens = words(sentence)
        acting += any(customer_action(tokens, index) for index in range(len(tokens)))
    return acting >= 3 or (acting >= 2 and bool(_ORDER.search(paragraph)))


def steps_evidence(text: str) -> str | None:
    """The steps found, or None. ``text`` is normalised."""
    lines = text.splitlines()
    listed = _list_steps(lines)
    if len(listed) >= 2:
        return " / ".join(listed[:3])
    for line in lines:
        inline = _inline_steps(line)
        if len(inline) >= 2:
            return " / ".join(inline[:3])
    headed = _under_heading(text)
    if headed:
        return headed
    for clause in clauses(text):
        if _FIX_ATTEMPT.search(clause):
            continue
        if len(_actions(clause)) >= 2:
            return clause
    for sentence in _sentences(text):
        if not _FIX_ATTEMPT.search(sentence) and _trigger(sentence):
            return sentence
    for paragraph in re.split(r"\n\s*\n", text):
        if _sequence(paragraph):
            return paragraph.strip()
    return None
