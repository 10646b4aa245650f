"""Reading back what the day sent: the captured SMTP messages, parsed, and the checks every
customer mail must pass (threading, Date at sending, DKIM, headers), for test_day.py."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.tests.dkimkeys import verifies
from supportdesk.testing.smtp import ReceivedMessage

_TAG = re.compile(r"\[#(\d+)\]")
_ANGLE = re.compile(r"<([^<>\s]+)>")
# Mail to agents about tickets, and the portal's one-time link: not part of a customer thread.
NOT_THREADED = {"lookup", "sla_warning", "sla_breach"}


@dataclass(frozen=True)
class Sent:
    received: ReceivedMessage
    msg: EmailMessage
    kind: str

    @property
    def to(self) -> str:
        return self.received.rcpt_tos[0]

    @property
    def subject(self) -> str:
        return str(self.msg["Subject"] or "")

    @property
    def message_id(self) -> str:
        return _ids(self.msg["Message-ID"])[0]

    @property
    def in_reply_to(self) -> str:
        found = _ids(self.msg["In-Reply-To"])
        return found[0] if found else ""

    @property
    def references(self) -> list[str]:
        return _ids(self.msg["References"])

    @property
    def number(self) -> int | None:
        match = _TAG.search(self.subject)
        return int(match.group(1)) if match else None

    @property
    def date(self) -> datetime:
        return parsedate_to_datetime(str(self.msg["Date"]))

    @property
    def text(self) -> str:
        part = self.msg.get_body(preferencelist=("plain",))
        return str(part.get_content()) if part is not None else ""

    @property
    def html(self) -> str:
        part = self.msg.get_body(preferencelist=("html",))
        return str(part.get_content()) if part is not None else ""


def _ids(value: object) -> list[str]:
    return _ANGLE.findall(str(value or ""))


def read(received: Iterable[ReceivedMessage]) -> list[Sent]:
    out = []
    for item in received:
        msg = email.message_from_bytes(item.data, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        mid = _ids(msg["Message-ID"])[0]
        kind = OutgoingMail.objects.filter(message_id=mid).values_list("kind", flat=True).first() or ""
        out.append(Sent(received=item, msg=msg, kind=kind))
    return out


def bare_subject(subject: str) -> str:
    return re.sub(r"^(re|aw|fwd?):\s*", "", subject.strip(), flags=re.IGNORECASE)


def host_name_ok(helo: str, fqdn: str) -> bool:
    """EHLO names this host: its FQDN, or (as smtplib does where the host has no dotted name)
    an address literal; never a made-up default such as supportdesk.local."""
    return helo == fqdn if "." in fqdn else helo.startswith("[") and helo.endswith("]")


def mail_problems(mails: list[Sent], *, dns: Callable[..., bytes], domain: str, base_url: str) -> list[str]:
    """Each mail: DKIM verifies, Date within seconds of its arrival, a From display name, our
    Message-ID domain, our host's name in EHLO, links to ``base_url`` only, «обращение» in
    Russian, no empty signature.
    One line per kind of problem, with the number of mails and an example."""
    fqdn = socket.getfqdn()
    found: dict[str, list[str]] = defaultdict(list)
    for sent in mails:
        label = f"{sent.kind} to {sent.to} {sent.subject!r}"
        if not verifies(sent.received.data, dns):
            found["DKIM does not verify"].append(label)
        lag = sent.received.received_at - sent.date.timestamp()
        if not -1.0 <= lag <= 5.0:
            found["Date set long before sending"].append(f"{label} (Date {lag:.0f} s before)")
        [(name, _address)] = getaddresses([str(sent.msg["From"])])
        if not name.strip():
            found["From without a display name"].append(label)
        if not sent.message_id.endswith("@" + domain):
            found[f"Message-ID not at {domain}"].append(f"{label} ({sent.message_id})")
        if not host_name_ok(sent.received.helo, fqdn):
            found[f"EHLO is not the host's FQDN {fqdn!r}"].append(f"{label} (EHLO {sent.received.helo!r})")
        foreign = [u for u in re.findall(r"https?://(?:127\.0\.0\.1|localhost)[:/][^\s\"'<>]*", sent.text + sent.html)
                   if not u.startswith(base_url)]
        if foreign:
            found[f"links to a loopback address other than {base_url}"].append(f"{label} ({foreign[0]})")
        if str(sent.msg["Content-Language"] or "ru") == "ru" and "заявк" in (sent.subject + sent.text).lower():
            found["«заявка» instead of «обращение»"].append(label)
        if re.search(r"(?m)^-- ?\n\s*\Z", sent.text):
            found["an empty signature block"].append(label)
    return [f"{problem}: {len(labels)} of {len(mails)} mails, e.g. {labels[0]}" for problem, labels in found.items()]


def thread_problems(mails: list[Sent], *, first_request: dict[int, str],
                    chain: dict[str, list[str]]) -> list[str]:
    """Every customer mail of a ticket: one subject form with [#N], Thread-Topic, References =
    the whole chain up to the mail it answers (``chain``: by our Message-ID, the conversation's
    Message-IDs up to and including that mail, as it stood when ours was sent), the customer's
    first message first, ending with In-Reply-To.
    ``first_request`` maps ticket numbers to the Message-ID that opened them."""
    threads: dict[int, list[Sent]] = defaultdict(list)
    problems = []
    for sent in mails:
        if sent.kind in NOT_THREADED:
            continue
        if sent.number is None:
            problems.append(f"no [#N] in the subject of {sent.kind} mail {sent.subject!r}")
        else:
            threads[sent.number].append(sent)
    for number, thread in sorted(threads.items()):
        forms = sorted({bare_subject(s.subject) for s in thread})
        if len(forms) != 1:
            problems.append(f"#{number}: {len(forms)} subject forms {forms}")
        topics = sorted({str(s.msg["Thread-Topic"] or "") for s in thread})
        if len(topics) != 1 or topics == [""]:
            problems.append(f"#{number}: Thread-Topic {topics}")
        for position, sent in enumerate(thread):
            label = f"#{number} {sent.kind} {sent.subject!r}"
            # A phone ticket's first mail answers no mail.
            if (number in first_request or position) and not (
                    sent.in_reply_to and sent.references and sent.references[-1] == sent.in_reply_to):
                problems.append(f"{label}: References {sent.references} do not end with In-Reply-To "
                                f"{sent.in_reply_to!r}")
            if number in first_request and first_request[number] not in sent.references:
                problems.append(f"{label}: References lack the customer's first message")
            missing = [mid for mid in chain.get(sent.message_id, []) if mid not in sent.references]
            if missing:
                problems.append(f"{label}: References lack {len(missing)} earlier message(s) of the chain")
    return problems
