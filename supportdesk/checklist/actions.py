"""Who does what: the customer's actions in the words of a request.

An action verb is recognised by stem in the forms a customer uses (first person, "we",
infinitive, imperative, past plural); reflexive forms ("закрывается") are symptoms, not
actions, and short participles ("выставлено") are states. ``customer_action`` is stricter: the
action must be the customer's or their operator's own ("нажимаю", "оператор нажимает", "when I
press", "при нажатии"), not the program's ("пока дежурный не перезапустит" is neither).
"""

from __future__ import annotations

import re
from functools import lru_cache

from supportdesk.checklist.text import stem

_ACTION_STEMS = frozenset({
    "запуска", "запуст", "открыва", "откр", "откро", "нажима", "нажм", "нажа", "жму", "жмем",
    "выбира", "выбер", "выбра", "загружа", "загруз", "добавля", "добав", "вставля", "встав",
    "подключа", "подключ", "отключа", "отключ", "меня", "поменя", "измен", "сохраня", "сохран",
    "закрыва", "закр", "перезапуска", "перезапуст", "импортир", "став", "ставл", "постав",
    "привязыва", "привяза", "включа", "включ", "выключа", "останов", "останавлива", "установ", "перезагруз",
    "примен", "проверя", "клика", "кликн", "перехож", "перейт", "захож", "зайт", "копир", "созда",
    "удаля", "удал", "выставля", "выстав", "переключа", "переключ", "перетаскива", "перетащ",
    "заменя", "замен", "ввод", "ввож", "ввел", "набира", "набра", "выделя", "выдел", "экспортир",
    "отправля", "отправ", "перемеща", "перемест", "редактир", "правл", "поправ", "полож", "клад",
    "заход", "зашел", "зашл", "убира", "убра", "снима", "снял", "вызыва", "вызва", "пода", "отмеча",
    "отмет", "назнача", "назнач", "настраива", "настро", "указыва", "указа", "прописыва", "прописа",
    "монтиру", "вывод", "вывел", "пуска", "втыка", "тыка",
})
# Forms the stemmer cuts too short to keep ("даём" -> "да").
_ACTION_WORDS = frozenset({"даем", "даю", "дали", "жму", "жмем", "жмет", "жмут"})
_ACTION_EN = frozenset({
    "open", "start", "press", "click", "load", "select", "choose", "import", "add", "connect",
    "restart", "install", "pick", "run", "insert", "switch", "apply", "drag", "enable", "disable",
    "change", "save", "close", "stop", "set", "put", "launch", "type", "enter", "delete", "remove",
    "replace", "edit", "export", "send", "move", "hit", "go", "navigate", "double-click", "right-click",
    "tick", "untick", "uncheck", "fill", "copy", "paste", "upload", "create", "assign", "configure",
    "activate", "browse", "rename", "reboot", "plug", "unplug", "exit", "quit",
})
# Past forms, and verbs that are more often nouns ("the Take button"), count only after "I"/"we"
# or opening a clause: "the playlist stopped" is a symptom.
_ACTION_EN_LED = frozenset({
    "opened", "started", "pressed", "clicked", "loaded", "selected", "added", "switched", "changed",
    "saved", "closed", "stopped", "launched", "typed", "entered", "deleted", "removed", "replaced",
    "edited", "exported", "moved", "play", "played", "take", "cue", "cued", "check", "schedule",
    "trigger", "triggered",
})
# Installing or upgrading is the background of a report, not a step towards its problem.
_BACKGROUND_STEMS = frozenset({"установ", "переустанов", "обнов", "обновля", "постав"})
# A verb ending that is a person's action, not a state; keeps "запускается" out.
_REFLEXIVE = re.compile(r"(?:ся|сь)$")
# First and second person and past forms: the customer's own action ("нажимаю", "загружаем",
# "нажали", "нажимаешь"); reflexive only in the first person ("переключаемся").
_PERSONAL = re.compile(r"(?:ю|у|ем|им|ли|л|ла|ешь|ишь)$")
_PERSONAL_REFLEXIVE = re.compile(r"(?:юсь|емся|имся)$")
_THIRD_PERSON = re.compile(r"(?:ет|ит|ют|ят)$")
_INFINITIVE = re.compile(r"(?:ть|ти)$")
# Who else acts for the customer ("оператор нажимает"), and what makes an infinitive a trigger.
_OPERATORS = frozenset({
    "оператор", "пользователь", "дежурный", "режиссер", "инженер", "выпускающий", "монтажер",
    "operator", "user", "he", "she", "someone", "they", "editor", "engineer",
})
_INFINITIVE_LEADS = frozenset({"если", "стоит", "стоило", "когда", "попытке", "только", "достаточно", "пытаюсь",
                               "пытаемся", "пробую", "пробуем"})
# "При нажатии …", "после загрузки …": an action named by its noun. Not "при запуске" (the
# program starting) nor "после отключения" (of the power, as often as of anything): when, not
# what the customer does.
_ACTION_NOUNS = (
    "нажати", "загрузк", "открыти", "выбор", "добавлени", "удалени", "переключени", "сохранени",
    "импорт", "экспорт", "вставк", "замен", "смен", "включени", "подключени", "перетаскивани",
    "изменени", "редактировани", "отправк", "закрыти", "остановк",
)
_NOUN_LEADS = frozenset({"при", "после", "время"})
_EN_LEADS = frozenset({
    "i", "we", "you", "when", "then", "and", "after", "on", "upon", "while", "by", "if", "once", "to",
    "reproduce",
})


# Both are pure functions of one word, asked about every word of every clause several times.
@lru_cache(maxsize=8192)
def is_action(token: str) -> bool:
    if token in _ACTION_EN or token in _ACTION_WORDS:
        return True
    if not re.fullmatch(r"[а-я]+", token) or _REFLEXIVE.search(token):
        return False
    # Short participles ("выставлено", "подключена", "открыт") describe a state, not a step.
    if re.search(r"(?:ен|ан|ян|ыт|ит)[аоы]?$", token):
        return False
    return stem(token) in _ACTION_STEMS


@lru_cache(maxsize=8192)
def english_base(token: str) -> str | None:
    """The verb of "presses", "loading", "stopping" when it is one of the actions, else None."""
    if token in _ACTION_EN or token in _ACTION_EN_LED:
        return token
    for suffix, extra in (("es", ""), ("s", ""), ("ing", ""), ("ing", "e")):
        if token.endswith(suffix):
            base = token[: -len(suffix)] + extra
            if len(base) > 3 and base[-1] == base[-2] and base[:-1] in _ACTION_EN:
                base = base[:-1]  # "stopping" -> "stop"
            if base in _ACTION_EN:
                return base
    return None


@lru_cache(maxsize=16384)
def _russian_form(token: str) -> str:
    """What a Russian word can be as a customer's action, whatever stands before it: "noun" (a
    noun of action: "нажатие"), "personal" ("нажимаю", "переключаемся"), "third" ("нажимает"),
    "infinitive" ("нажать") or "" (none). Cached: the same words come in every request."""
    if token.startswith(_ACTION_NOUNS) and not is_action(token):
        return "noun"
    if _PERSONAL_REFLEXIVE.search(token):
        token = token[:-2]  # "переключаемся" acts as "переключаем"
    if not is_action(token) or stem(token) in _BACKGROUND_STEMS:
        return ""
    if _PERSONAL.search(token):
        return "personal"
    if _THIRD_PERSON.search(token):
        return "third"
    return "infinitive" if _INFINITIVE.search(token) else ""


def _russian_trigger(tokens: list[str], index: int) -> bool:
    form = _russian_form(tokens[index])
    if not form or form == "personal":
        return bool(form) and not (index and tokens[index - 1] == "не")
    before = tokens[max(0, index - 2) : index]
    if before and before[-1] == "не":
        return False  # "пока дежурный не перезапустит"
    if form == "noun":
        return bool(before) and before[-1] in _NOUN_LEADS
    if form == "third":
        return bool(_OPERATORS & set(before))
    return bool(before) and before[-1] in _INFINITIVE_LEADS


def customer_action(tokens: list[str], index: int) -> bool:
    """Is ``tokens[index]`` an action the customer (or their operator) takes?"""
    token = tokens[index]
    base = english_base(token)
    if base is None:
        return _russian_trigger(tokens, index)
    previous = tokens[index - 1] if index else ""
    if token.endswith("ing") and base != token:
        return index == 0 or previous in _EN_LEADS  # "Pressing Stop freezes", "after loading"
    return previous in _EN_LEADS or previous in _OPERATORS
