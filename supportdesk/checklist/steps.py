"""Does a request list the actions that lead to the problem?

Steps are the customer's actions that bring the problem about: numbered or bulleted lines
that each hold an action verb, numbered items inline ("Шаги: 1) …; 2) …"), a run of action
verbs in one clause or under a steps heading ("запускаю, открываю, нажимаю"), or one action
stated as the trigger of a symptom ("Нажимаю «Стоп» — программа зависает"). Action verbs are
recognised by stem in the forms a customer uses (first person, "we", infinitive, imperative,
past plural); reflexive forms ("закрывается") are symptoms, not actions. What the customer
tried in order to fix it ("пробовали перезагрузить") is not a step towards the problem, nor
is an upgrade told as background ("установили 6.2.1, и превью чёрные").
"""

from __future__ import annotations

import re

from supportdesk.checklist.description import has_symptom
from supportdesk.checklist.text import clauses, stem, words

_ACTION_STEMS = frozenset({
    "запуска", "запуст", "открыва", "откр", "откро", "нажима", "нажм", "нажа", "жму", "жмем",
    "выбира", "выбер", "выбра", "загружа", "загруз", "добавля", "добав", "вставля", "встав",
    "подключа", "подключ", "отключа", "отключ", "меня", "поменя", "измен", "сохраня", "сохран",
    "закрыва", "закр", "перезапуска", "перезапуст", "импортир", "став", "ставл", "постав",
    "привязыва", "привяза", "включа", "включ", "выключа", "останов", "установ", "перезагруз",
    "примен", "проверя", "клика", "кликн", "перехож", "перейт", "захож", "зайт", "копир", "созда",
    "удаля", "удал", "выставля", "выстав", "переключа", "переключ", "перетаскива", "перетащ",
    "заменя", "замен", "ввод", "ввож", "ввел", "набира", "набра", "выделя", "выдел", "экспортир",
    "отправля", "отправ", "перемеща", "перемест", "редактир", "правл", "поправ",
})
_ACTION_EN = frozenset({
    "open", "start", "press", "click", "load", "select", "choose", "import", "add", "connect",
    "restart", "install", "pick", "run", "insert", "switch", "apply", "drag", "enable", "disable",
    "change", "save", "close", "stop", "set", "put", "launch", "type", "enter", "delete", "remove",
    "replace", "edit", "export", "send", "move", "hit",
})
# Past forms count only after "I"/"we": "the playlist stopped" is a symptom.
_ACTION_EN_PAST = frozenset({
    "opened", "started", "pressed", "clicked", "loaded", "selected", "added", "switched", "changed",
    "saved", "closed", "stopped", "launched", "typed", "entered", "deleted", "removed", "replaced",
    "edited", "exported", "moved",
})
# Installing or upgrading is the background of a report, not a step towards its problem.
_BACKGROUND_STEMS = frozenset({"установ", "переустанов", "обнов", "обновля", "постав"})
_FIX_ATTEMPT = re.compile(r"пробова|пыта|tried|не помогл|didn't help|did not help")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|[-•*–—])\s*")
_INLINE_ITEM = re.compile(r"(?:^|(?<=\s)|(?<=[:;,]))(\d{1,2})\s*[.)]\s+")
_STEPS_HEADING = re.compile(
    r"(?:шаги|порядок\s+действий|действия|делаем\s+так|делаю\s+так|делал\w*\s+так|воспроизвести|"
    r"steps|to\s+reproduce|what\s+we\s+do|what\s+i\s+do)[^:\n]{0,20}:\s*"
)
# A verb ending that is a person's action, not a state; keeps "запускается" out.
_REFLEXIVE = re.compile(r"(?:ся|сь)$")
# First person and past forms: the customer's own action ("нажимаю", "загружаем", "нажали").
_PERSONAL = re.compile(r"(?:ю|у|ем|им|ли|л|ла)$")
_SUBJECT_EN = frozenset({"i", "we", "you", "operator", "operators", "user", "when", "then", "and"})


def _is_action(token: str) -> bool:
    if token in _ACTION_EN:
        return True
    if not re.fullmatch(r"[а-я]+", token) or _REFLEXIVE.search(token):
        return False
    # Short participles ("выставлено", "подключена", "открыт") describe a state, not a step.
    if re.search(r"(?:ен|ан|ян|ыт|ит)[аоы]?$", token):
        return False
    return stem(token) in _ACTION_STEMS


def _actions(text: str) -> list[str]:
    return [token for token in words(text) if _is_action(token)]


def _list_steps(lines: list[str]) -> list[str]:
    items = [line for line in lines if _LIST_ITEM.match(line) and not _FIX_ATTEMPT.search(line)]
    return [line.strip() for line in items if _actions(_LIST_ITEM.sub("", line))]


def _inline_steps(line: str) -> list[str]:
    """"1) открываю …; 2) нажимаю …" on one line: items numbered 1, 2, … that hold actions."""
    marks = list(_INLINE_ITEM.finditer(line))
    numbers = [int(m.group(1)) for m in marks]
    if len(marks) < 2 or numbers[:2] != [1, 2]:
        return []
    bounds = [m.end() for m in marks] + [len(line)]
    items = [line[bounds[i] : marks[i + 1].start() if i + 1 < len(marks) else len(line)] for i in range(len(marks))]
    return [item.strip(" ;,") for item in items if _actions(item) and not _FIX_ATTEMPT.search(item)]


def _under_heading(text: str) -> str | None:
    """The paragraph after "Шаги такие:" / "Делаем так:" when it holds two actions or more."""
    for match in _STEPS_HEADING.finditer(text):
        paragraph = re.split(r"\n\s*\n", text[match.end() :], maxsplit=1)[0]
        if not _FIX_ATTEMPT.search(paragraph) and len(_actions(paragraph)) >= 2:
            return paragraph.strip()
    return None


def _personal_action(tokens: list[str], index: int) -> bool:
    token = tokens[index]
    if token in _ACTION_EN or token in _ACTION_EN_PAST:
        return index > 0 and tokens[index - 1] in _SUBJECT_EN
    stemmed = stem(token)
    return _is_action(token) and stemmed not in _BACKGROUND_STEMS and bool(_PERSONAL.search(token))


def _trigger(clause: str) -> bool:
    """One action of the customer's followed by what goes wrong: "нажимаю Стоп — зависает"."""
    tokens = words(clause)
    for index in range(len(tokens)):
        if _personal_action(tokens, index):
            after = clause.split(tokens[index], 1)[1]
            return has_symptom(after)
    return False


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if part.strip()]


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
    return None
