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

from supportdesk.checklist.symptoms import has_symptom
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
_FIX_ATTEMPT = re.compile(r"пробова|пыта|tried|не помогл|didn't help|did not help")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|[-•*–—])\s*")
_INLINE_ITEM = re.compile(r"(?:^|(?<=\s)|(?<=[:;,]))(\d{1,2})\s*[.)]\s+")
_STEPS_HEADING = re.compile(
    r"(?:шаги|порядок\s+действий|действия|делаем\s+так|делаю\s+так|делал\w*\s+так|воспроизвести|"
    r"steps|to\s+reproduce|what\s+we\s+do|what\s+i\s+do)[^:\n]{0,20}:\s*"
)
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
_INFINITIVE_LEADS = frozenset({"если", "стоит", "стоило", "когда", "попытке"})
# "При нажатии …", "после загрузки …": an action named by its noun. Not "при запуске" (the
# program starting) nor "после отключения" (of the power, as often as of anything): when, not
# what the customer does.
_ACTION_NOUNS = (
    "нажати", "загрузк", "открыти", "выбор", "добавлени", "удалени", "переключени", "сохранени",
    "импорт", "экспорт", "вставк", "замен", "смен", "включени", "подключени", "перетаскивани", "изменени", "редактировани", "отправк", "закрыти", "остановк",
)
_NOUN_LEADS = frozenset({"при", "после", "время"})
_ORDER = re.compile(r"(?<![\w])(?:сначала|потом|затем|после\s+этого|далее|first|then|next|after\s+that)(?![\w])")
_EN_LEADS = frozenset({
    "i", "we", "you", "when", "then", "and", "after", "on", "upon", "while", "by", "if", "once", "to",
    "reproduce",
})


def _is_action(token: str) -> bool:
    if token in _ACTION_EN or token in _ACTION_WORDS:
        return True
    if not re.fullmatch(r"[а-я]+", token) or _REFLEXIVE.search(token):
        return False
    # Short participles ("выставлено", "подключена", "открыт") describe a state, not a step.
    if re.search(r"(?:ен|ан|ян|ыт|ит)[аоы]?$", token):
        return False
    return stem(token) in _ACTION_STEMS


def _actions(text: str) -> list[str]:
    tokens = words(text)
    return [token for index, token in enumerate(tokens) if _is_action(token) or customer_action(tokens, index)]


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


def _english_base(token: str) -> str | None:
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


def _russian_trigger(tokens: list[str], index: int) -> bool:
    token, before = tokens[index], tokens[max(0, index - 2) : index]
    if before and before[-1] == "не":
        return False  # "пока дежурный не перезапустит"
    if token.startswith(_ACTION_NOUNS) and not _is_action(token):
        return bool(before) and before[-1] in _NOUN_LEADS
    if _PERSONAL_REFLEXIVE.search(token):
        token = token[:-2]  # "переключаемся" acts as "переключаем"
    if not _is_action(token) or stem(token) in _BACKGROUND_STEMS:
        return False
    if _PERSONAL.search(token):
        return True
    if _THIRD_PERSON.search(token):
        return bool(_OPERATORS & set(before))
    return bool(_INFINITIVE.search(token)) and bool(before) and before[-1] in _INFINITIVE_LEADS


def customer_action(tokens: list[str], index: int) -> bool:
    """Is ``tokens[index]`` an action the customer (or their operator) takes?"""
    token = tokens[index]
    base = _english_base(token)
    if base is None:
        return _russian_trigger(tokens, index)
    previous = tokens[index - 1] if index else ""
    if token.endswith("ing") and base != token:
        return index == 0 or previous in _EN_LEADS  # "Pressing Stop freezes", "after loading"
    return previous in _EN_LEADS or previous in _OPERATORS




def _trigger(clause: str) -> bool:
    """One action of the customer's followed by what goes wrong: "нажимаю Стоп — зависает"."""
    tokens = words(clause)
    for index in range(len(tokens)):
        if customer_action(tokens, index):
            return has_symptom(clause.split(tokens[index], 1)[1])
    # An English imperative opening a stretch of the clause: "…, press Play and it stops".
    for match in re.finditer(r"(?:^|[,;:—])\s*([a-z][\w-]*)", clause):
        if _english_base(match.group(1)) is not None:
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
