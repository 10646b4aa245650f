"""Mail written by machines: auto-replies, bounces and MTA spam verdicts (SPEC §5)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from supportdesk.lib.addresses import is_robot_address

from .addresses import parse_addresses
from .away import is_away_notice
from .headers import REPLY_PREFIX

Headers = Mapping[str, Sequence[str]]  # lower-cased name → raw values

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:\[?(?:Автоответ|Автоматический\ ответ|Auto(?:matic)?[- ]?(?:reply|response|answer)"
    r"|Out\ of\ (?:the\ )?Office|Отсутствую\ в\ офисе|Отсутствие\ на\ работе|Вне\ офиса|Нет\ на\ месте"
    r"|Я\ в\ отпуске|Отпуск|Отсутствую|Абонент\ временно\ недоступен|Autosvar|Abwesenheitsnotiz"
    r"|Réponse\ automatique|Vacation\ reply|I\ am\ out\ of\ (?:the\ )?office|On\ vacation)\b)",
    re.IGNORECASE | re.VERBOSE,
)
# Subjects MTAs give their delivery reports (searched, so "Fwd:" or a gateway tag may precede).
_BOUNCE_SUBJECT = re.compile(
    r"""(?:Mail\ delivery\ failed|Undelivered\ Mail\ Returned\ to\ Sender|Undeliverable\b|Undelivered\b
    |Delivery\ Status\ Notification|Delivery\ status\ notification|Delivery\ Notification
    |\bfailure\ notice|Returned\ mail\b|Delivery\ failure|Mail\ System\ Error|Delivery\ has\ failed
    |Message\ not\ delivered|Non[- ]?delivery|Nondeliverable|Delivery\ Status\b|\bcould\ not\ be\ delivered
    |Could\ not\ send\ message|returning\ to\ sender|Delivery\ reports?\ about\ your\ e-?mail|Failed\ mail|Mail\ failure
    |Warning:\ could\ not\ send|Delivery\ delayed|Delayed\ Mail|message\ .{0,80}\ delayed
    |Недоставленное\ сообщение|Не\ доставлено|Сообщение\ не\ доставлено|Письмо\ не\ доставлено
    |Не\ удалось\ доставить|Ошибка\ доставки|Возврат\ почты|Non\ remis|Unzustellbar|Nicht\ zustellbar)""",
    re.IGNORECASE | re.VERBOSE,
)
# A reply or a forward: a person may quote or pass on a delivery report under such a subject.
_REPLY_OR_FORWARD = re.compile(r"^\s*(?:re|fwd?|aw|wg|tr|sv|vs|ответ|отв|пересл)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_DELAY_SUBJECT = re.compile(
    r"Delivery\ Status\ Notification\ \(Delay\)|Delayed\ Mail|Warning:\ .{0,80}delayed|notification:\ delayed"
    r"|Warning:\ could\ not\ send|Delivery\ delayed|Доставка\ задерживается|задержка\ доставки",
    re.IGNORECASE | re.VERBOSE,
)
# Display names MTAs sign their reports with (the address may be empty: "MAILER-DAEMON <>").
_ROBOT_NAME = re.compile(r"^\W*(?:mailer[- ]?daemon|mail\ delivery\ (?:system|subsystem|service)|postmaster)\b",
                         re.IGNORECASE | re.VERBOSE)
# Amazon SES bounce notifications arrive as SNS e-mail whose body is the notification's JSON
# (or SNS's envelope holding it as a string, its quotes escaped).
_SES_BOUNCE = re.compile(r'\\?"notificationType\\?"\s*:\s*\\?"Bounce\\?"')
_FAILED_ACTIONS = ("failed", "delayed")
_SUCCESS_ACTIONS = ("relayed", "delivered", "expanded")
_HEADER_MSGID = re.compile(r"^(?:Original-)?Message-ID:\s*<?([^<>\s]+@[^<>\s]+?)>?\s*$",
                           re.IGNORECASE | re.MULTILINE)
_HEADER_TO = re.compile(r"^To:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_ADDR = re.compile(r"<?([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)>?")
# Where MTAs name the failed recipient in plain-text bounces.
_A = r"([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)"
_FAILED_RCPT = (
    re.compile(r"following (?:address(?:\(es\))?|recipients?)[^\n]*failed[^\n]*:\s*\n\s*<?" + _A, re.I),  # Exim
    re.compile(r"^<" + _A + r">:", re.M),  # Postfix, qmail
    re.compile(r"failed to these recipients[^\n]*:\s*\n(?:\s*\n)*\s*(?:[^\n<]*<)?" + _A, re.I),  # Exchange
    re.compile(r"(?:адрес(?:ат)?[а-я]*|получател[а-я]+)[^\n:]{0,60}:\s*\n?\s*<?" + _A, re.I),
    re.compile(r"Original-Recipient:\s*(?:rfc822;)?\s*<?" + _A, re.I),
    re.compile(r"(?:error|failed|failure|unable|not)\ [^\n<]{0,40}?deliver(?:ing|ed|y)?\ [^\n<]{0,30}?to\s*<?" + _A,
               re.I | re.X),  # DragonFly, OpenSMTPD, generic
)


@dataclass(frozen=True, slots=True)
class BounceInfo:
    message_id: str | None
    recipient: str | None
    delayed: bool  # a delay warning: a robot mail, but the address still works
    # (never both) a success report (RFC 3464 actions delivered, relayed, expanded only; asked for with NOTIFY=SUCCESS
    # or sent by a relay): a robot mail that tells of no failure at all
    delivered: bool = False


def _first(headers: Headers, name: str) -> str:
    values = headers.get(name)
    return values[0].strip() if values else ""


def detect_spam(headers: Headers) -> str | None:
    flag = _first(headers, "x-spam-flag").lower()
    if flag.startswith("yes") or flag == "true":
        return "X-Spam-Flag: " + _first(headers, "x-spam-flag")
    status = _first(headers, "x-spam-status")
    if status.lower().startswith("yes"):
        return "X-Spam-Status: " + status[:60]
    spam = _first(headers, "x-spam").lower()
    if spam.startswith(("yes", "true", "spam")):
        return "X-Spam: " + _first(headers, "x-spam")
    if _first(headers, "x-yandex-spam") == "4":
        return "X-Yandex-Spam: 4"
    return None


def detect_auto_reply(headers: Headers, from_addr: str | None, subject: str, *, list_markers: bool = True) -> str | None:
    """Why the mail is an automatic one (RFC 3834 and what real systems send), or None.

    ``list_markers=False``: the marks any mailing list puts on the posts it relays (Precedence
    list or bulk, the RFC 2369 ``List-*`` headers) are not reasons."""
    auto = _first(headers, "auto-submitted").lower()
    if auto and not auto.startswith("no"):
        return "Auto-Submitted: " + auto[:40]
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder", "x-autogenerated",
                 "x-ms-exchange-inbox-rules-loop", "x-auto-response-suppress",
                 "x-mailru-autoreply", "x-yandex-autoreply"):
        value = _first(headers, name)
        if value and value.lower() not in ("no", "false", "0"):
            return f"{name}: {value[:40]}"
    if "x-ms-exchange-generated-message-source" in headers:
        return "x-ms-exchange-generated-message-source"
    precedence = _first(headers, "precedence").lower()
    if precedence in ("junk", "auto_reply", "auto-reply") or (list_markers and precedence in ("bulk", "list")):
        return "Precedence: " + precedence
    for name in ("list-id", "list-unsubscribe", "list-post", "feedback-id", "x-campaign-id"):
        if name in headers and (list_markers or not name.startswith("list-")):
            return name
    if is_robot_address(from_addr):
        return "robot sender " + (from_addr or "")
    if _AUTO_SUBJECT.match(subject):
        return "auto-reply subject"
    if _first(headers, "return-path") == "<>":
        return "null Return-Path"
    return None


def unmarked_away_reply(headers: Headers, subject: str, text: str, *, quotes: bool) -> bool:
    """An away notice sent by a program that marks nothing (vacation(1) sends the person's own
    ~/.vacation.msg, "Subject: Re: $SUBJECT", with no Auto-Submitted or Precedence): a reply by
    its subject that no mail program wrote as one (no In-Reply-To or References, nothing
    quoted), whose whole text says its person is away until a date and asks nothing."""
    if quotes or "in-reply-to" in headers or "references" in headers or not REPLY_PREFIX.match(subject):
        return False
    return is_away_notice(text)


def list_addresses(headers: Headers) -> list[str]:
    """The addresses a discussion list takes posts at (lower-cased): RFC 2369 ``List-Post``'s
    mailto targets, Google Groups' ``Mailing-list: list …``. Empty for other mail."""
    found = [m.group(1).lower() for m in re.finditer(r"mailto:\s*([^<>?,\s]+@[^<>?,\s]+)", _first(headers, "list-post"),
                                                       re.IGNORECASE)]
    group = re.match(r"\s*list\s+(\S+@\S+?);", _first(headers, "mailing-list"), re.IGNORECASE)
    return found + ([group.group(1).lower()] if group else [])


def list_post(headers: Headers) -> str | None:
    """The discussion list a person's post came through, or None: a list that names an address
    to post to (RFC 2369 ``List-Post: <mailto:…>``; an announcement list or a newsletter says
    ``NO`` or nothing) or Google Groups' ``Mailing-list: list …``. Its List-Id when it has one."""
    addresses = list_addresses(headers)
    if not addresses:
        return None
    return " ".join(_first(headers, "list-id").split())[:200] or addresses[0]


_VIA_NAME = re.compile(r"^\s*'?(?P<name>.*?)'?\s+via\s+\S.*$", re.IGNORECASE)


def list_author(headers: Headers, from_name: str, from_addr: str | None,
                defects: list[str]) -> tuple[str, str] | None:
    """(name, address) of the person behind a post that a list re-sent under its own address
    (DMARC "From munging": ``From: "'Ivan' via Engineers" <engineers@…>``): Google Groups'
    ``X-Original-From``, else the one Reply-To address when the From name reads "… via …".
    None when From is not the list's own address (the person is the sender)."""
    if not from_addr or from_addr.lower() not in list_addresses(headers):
        return None
    via = _VIA_NAME.match(from_name)
    for values in (headers.get("x-original-from", []), headers.get("reply-to", []) if via else []):
        people = [(n, a) for n, a in parse_addresses(list(values), defects) if a and a != from_addr.lower()]
        if len(people) == 1:
            name, address = people[0]
            return (name or (via.group("name") if via else "")).strip(), address
    return None


def detect_bounce(
    *,
    headers: Headers,
    from_addr: str | None,
    from_name: str = "",
    subject: str,
    report_type: str | None,
    dsn_fields: Sequence[Mapping[str, str]],
    original_headers: Sequence[str],
    text: str,
) -> BounceInfo | None:
    """Delivery failure (or delay) reports: standard DSN and the common MTA texts.

    ARF abuse reports (report-type=feedback-report) are never bounces."""
    report_type = report_type or _declared_report_type(headers)
    if report_type == "feedback-report":
        return None
    actions = [f.get("action", "").lower() for f in dsn_fields if f.get("action")]
    standard = report_type == "delivery-status" or any(a.startswith(_FAILED_ACTIONS) for a in actions)
    failed_header = _first(headers, "x-failed-recipients")
    # MDaemon marks its own delivery reports so (its text and subject are the admin's to word).
    mdaemon_dsn = _first(headers, "x-mddsn-message").strip().lower() == "true"
    robot_sender = (is_robot_address(from_addr) or _first(headers, "return-path") == "<>"
                    or bool(_ROBOT_NAME.match(from_name)))
    subject_says = bool(_BOUNCE_SUBJECT.search(subject))
    bounce_text = _looks_like_bounce_text(text)
    # A report's subject and text from a sender we cannot tell (a gateway signing with its own
    # name, an old MTA's "System Administrator"): both must say so, and the subject must be the
    # report's own, not a person's reply to or forward of one.
    reported = subject_says and bounce_text and not _REPLY_OR_FORWARD.match(subject)
    if not (standard or failed_header or mdaemon_dsn or reported or (subject_says and (robot_sender or original_headers))
            or (robot_sender and (bounce_text or _SES_BOUNCE.search(text[:20000])))):
        return None
    delivered = bool(actions) and all(a in _SUCCESS_ACTIONS for a in actions)
    delayed = not delivered and ((bool(actions) and all(a in ("delayed", *_SUCCESS_ACTIONS) for a in actions))
                                 or (not actions and bool(_DELAY_SUBJECT.search(subject))))
    return BounceInfo(
        message_id=_original_message_id(dsn_fields, original_headers, text),
        recipient=_failed_recipient(dsn_fields, failed_header, original_headers, text),
        delayed=delayed,
        delivered=delivered,
    )


def _declared_report_type(headers: Headers) -> str | None:
    """report-type of a top-level multipart/report even when its parts are broken or missing."""
    ctype = _first(headers, "content-type").lower()
    m = re.search(r"report-type\s*=\s*\"?([\w-]+)", ctype)
    return m.group(1) if m and ctype.startswith("multipart/report") else None


_BOUNCE_TEXT = (
    "could not be delivered", "delivery failed", "undeliverable", "permanent error", "failed permanently",
    "не может быть доставлено", "не доставлено", "не удалось доставить", "user unknown", "unknown user",
    "mailbox unavailable", "550 ", "5.1.1", "did not reach the following recipient", "cannot be delivered",
    "delivery has failed", "error delivering", "unable to deliver", "was not delivered", "no such user",
    "recipient address rejected", "delivery to the following recipient", "action: failed",
    "delivery problems", "message has been delayed", "has not yet been delivered", "will retry",
    "could not send message", "has not been delivered", "failed addresses follow", "mail has been returned",
    "was automatically rejected", "quota exceeded",
)


def _looks_like_bounce_text(text: str) -> bool:
    head = text[:4000].lower()
    return any(k in head for k in _BOUNCE_TEXT)


def _original_message_id(dsn: Sequence[Mapping[str, str]], originals: Sequence[str], text: str) -> str | None:
    for fields in dsn:
        value = fields.get("original-message-id")
        if value:
            return value.strip().strip("<>")
    for block in originals:
        m = _HEADER_MSGID.search(block)
        if m:
            return m.group(1)
    # Non-standard bounces quote the original headers in the body.
    m = _HEADER_MSGID.search(text)
    return m.group(1) if m else None


def _failed_recipient(dsn: Sequence[Mapping[str, str]], failed_header: str,
                      originals: Sequence[str], text: str) -> str | None:
    # The recipient that failed, then one still retried, before one reported delivered (a
    # report may list the delivered copy to a colleague first).
    rank = {"failed": 0, "delayed": 1}
    for fields in sorted(dsn, key=lambda f: rank.get(f.get("action", "").strip().lower(), 2)):
        for key in ("final-recipient", "original-recipient"):
            value = fields.get(key)
            if value:
                m = _ADDR.search(value.split(";", 1)[-1])
                if m:
                    return m.group(1).lower()
    if failed_header:
        m = _ADDR.search(failed_header)
        if m:
            return m.group(1).lower()
    for pattern in _FAILED_RCPT:
        m = pattern.search(text)
        if m:
            return m.group(1).strip(".,;:").lower()
    for block in originals:
        m = _HEADER_TO.search(block)
        if m:
            addr = _ADDR.search(m.group(1))
            if addr:
                return addr.group(1).lower()
    return None
