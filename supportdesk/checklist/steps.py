"""Does a request list the actions that lead to the problem?

Steps are at least two actions in order: numbered or bulleted lines that each hold an
action verb, or a run of action verbs in one clause ("запускаю, открываю, нажимаю").
Action verbs are recognised by stem in the forms a customer uses (first person, "we",
infinitive, imperative, past plural); reflexive forms ("закрывается") are symptoms, not
actions. What the customer tried in order to fix it ("пробовали перезагрузить") is not a
step towards the problem.
"""

from __future__ import annotations

import re

from supportdesk.checklist.text import clauses, stem, words

_ACTION_STEMS = frozenset({
    "запуска", "запуст", "открыва", "откр", "откро", "нажима", "нажм", "нажа", "жму", "жмем",
    "выбира", "выбер", "выбра", "загружа", "загруз", "добавля", "добав", "вставля", "встав",
    "подключа", "подключ", "отключа", "отключ", "меня", "поменя", "измен", "сохраня", "сохран",
    "закрыва", "закр", "перезапуска", "перезапуст", "импортир", "став", "ставл", "постав",
    "привязыва", "привяза", "включа", "включ", "выключа", "останов", "установ", "перезагруз",
    "примен", "проверя", "клика", "кликн", "перехож", "перейт", "захож", "зайт", "копир", "созда",
    "удаля", "удал", "выставля", "выстав", "переключа", "переключ", "перетаскива", "перетащ",
})
_ACTION_EN = frozenset({
    "open", "start", "press", "click", "load", "select", "choose", "import", "add", "connect",
    "restart", "install", "pick", "run", "insert", "switch", "apply", "drag", "enable", "disable",
    "change", "save", "close", "stop", "set", "put", "launch",
})
_FIX_ATTEMPT = re.compile(r"пробова|пыта|tried|не помогл|didn't help|did not help")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|[-•*–—])\s*")
# A verb ending that is a person's action, not a state; keeps "запускается" out.
_REFLEXIVE = re.compile(r"(?:ся|сь)$")


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


def steps_evidence(text: str) -> str | None:
    """The steps found, or None. ``text`` is normalised."""
    listed = _list_steps(text.splitlines())
    if len(listed) >= 2:
        return " / ".join(listed[:3])
    for clause in clauses(text):
        if _FIX_ATTEMPT.search(clause):
            continue
        if len(_actions(clause)) >= 2:
            return clause
    return None
