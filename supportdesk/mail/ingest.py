"""Inbound mail, exactly once: raw bytes stored first, then parsed, placed and committed.

    ingest_raw(raw, source="imap", source_uid="7:1234")   # store, then process_inbound()

Every source (IMAP, LMTP, import) calls ``ingest_raw`` and marks its own copy done only
after it returns: by then the mail is committed in one of its final states, or kept as
``pending``/``quarantined`` with its raw bytes. Nothing is ever dropped.

Exactly once: a repeated (source, source_uid) makes no new row; a repeated Message-ID (or
content hash when there is none) of a processed mail is stored as a ``duplicate``; and a
partial unique index lets only one delivery of a message reach a final state even when two
processes race.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from email.header import decode_header, make_header
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from supportdesk.lib.db_retry import retry_on_lost_connection
from supportdesk.lib.optimistic import Redo, broken, savepoints_off
from supportdesk.lib.optimistic import active as optimistic_active
from supportdesk.lib.sql import marks
from supportdesk.mail import threadlocks
from supportdesk.mail.handlers import Outcome, Placement, SenderError, place
from supportdesk.mail.models import FINAL_STATES, InboundMail, Mailbox, delivery_q
from supportdesk.mail.parsing import ParsedAttachment, ParsedMail, parse_mail
from supportdesk.mail.parsing.headers import all_ids, first_id
from supportdesk.mail.routing import Rule, is_reply_subject, reference_ids
from supportdesk.search import index as search_index
from supportdesk.tickets.history import recording_history

log = logging.getLogger(__name__)

State = InboundMail.State
# A mail whose processing crashed the process this many times is quarantined, not retried.
MAX_ATTEMPTS = 5
# Failures of the machinery rather than of the mail (the attachment disk full, the database
# connection lost in a restart): the mail stays pending and the stale-mail job tries it again,
# instead of a quarantine that would wait for an agent.
_TRANSIENT = (OSError, OperationalError, InterfaceError)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_REFERENCE_HEADERS = re.compile(rb"^(?:in-reply-to|references):[ \t]*((?:.*)(?:\r?\n[ \t].*)*)",
                                re.IGNORECASE | re.MULTILINE)
# How long a delivery waits for a related one placed at the same moment (its parent), and how
# recent a pending delivery must be to count as being placed right now (older: a process died).
RELATED_WAIT = 10.0
RELATED_WINDOW = timedelta(minutes=5)
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(rb"^from:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_SUBJECT = re.compile(rb"^subject:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class IngestResult:
    inbound_id: int
    outcome: str  # handlers.Outcome
    state: str
    ticket_id: int | None = None
    opened_ticket: bool = False


class _AlreadyDone(Exception):
    """Another process finished this row first (its final UPDATE matched nothing)."""


def header_message_id(raw: bytes) -> str:
    """The Message-ID without brackets, read from the header block only (cheap, before parsing)."""
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw[:65536]
    match = _MESSAGE_ID.search(head)
    if not match:
        return ""
    return _storable_text(first_id(match.group(1).decode("latin-1")) or "")[:255]


def dedupe_key_for(raw: bytes, content_hash: str) -> tuple[str, str]:
    """(message_id, dedupe_key): one ticket message per Message-ID, or per content without one."""
    mid = header_message_id(raw)
    return mid, (f"id:{mid}" if mid else f"sha256:{content_hash}")[:300]


def _storable_text(value: str) -> str:
    """Lone surrogates (undecodable bytes kept by the parser) cannot be stored as UTF-8, nor
    NUL characters in PostgreSQL text; both become U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def storable(parsed: ParsedMail) -> ParsedMail:
    """The parsed mail with every text field safe for the database."""
    changes: dict[str, object] = {}
    for f in fields(parsed):
        value = getattr(parsed, f.name)
        if isinstance(value, str):
            clean: object = _storable_text(value)
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            clean = tuple(_storable_text(v) for v in value)
        elif f.name == "attachments":
            clean = tuple(_storable_attachment(a) for a in value)
        else:
            continue
        if clean != value:
            changes[f.name] = clean
    return replace(parsed, **changes) if changes else parsed  # type: ignore[arg-type]


def _storable_attachment(attachment: ParsedAttachment) -> ParsedAttachment:
    texts = {"filename": attachment.filename, "content_type": attachment.content_type,
             "content_id": attachment.content_id}
    changes = {k: clean for k, v in texts.items() if v is not None and (clean := _storable_text(v)) != v}
    return replace(attachment, **changes) if changes else attachment  # type: ignore[arg-type]


def _result(row: InboundMail, outcome: str | None = None) -> IngestResult:
    if outcome is None:
        by_state: dict[str, str] = {State.ROBOT: Outcome.ROBOT, State.SPAM: Outcome.SPAM,
                                    State.QUARANTINED: Outcome.QUARANTINED, State.DUPLICATE: Outcome.DUPLICATE}
        outcome = by_state.get(str(row.state), "")
        if row.state == State.TICKETED:
            outcome = Outcome.TICKETED if row.opened_ticket else Outcome.THREADED
    return IngestResult(inbound_id=row.pk, outcome=outcome, state=row.state, ticket_id=row.ticket_id,
                        opened_ticket=row.opened_ticket)


def header_from_addr(raw: bytes) -> str:
    """The From address, lower case, read from the header block only (cheap, before parsing):
    kept on a pending row, so a reply by subject can tell that its sender's mail is being placed."""
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw[:65536]
    match = _FROM.search(head)
    if not match:
        return ""
    addresses = getaddresses([match.group(1).decode("latin-1")])
    address = addresses[0][1].strip().lower() if addresses else ""
    return _storable_text(address)[:254] if "@" in address else ""


def header_subject(raw: bytes) -> str:
    """The Subject, decoded (RFC 2047), read from the header block only; "" when it cannot be."""
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw[:65536]
    match = _SUBJECT.search(head)
    if not match:
        return ""
    value = re.sub(r"\r?\n[ \t]", " ", match.group(1).decode("latin-1"))
    try:
        text = str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - only a hint for concurrent deliveries; the parser decides
        return ""
    return _storable_text(text)[:300]


def header_reference_ids(raw: bytes) -> list[str]:
    """In-Reply-To and References ids, read from the header block only (cheap, before parsing)."""
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw[:65536]
    ids: list[str] = []
    for match in _REFERENCE_HEADERS.finditer(head):
        ids.extend(all_ids(match.group(1).decode("latin-1")))
    # A NUL in a header (PostgreSQL text cannot hold one) becomes U+FFFD, as when parsed.
    return [_storable_text(i)[:255] for i in dict.fromkeys(ids)][:100]


def store_raw(raw: bytes, *, source: str, source_uid: str = "", mailbox: Mailbox | None = None,
              received_at: datetime | None = None) -> tuple[InboundMail, bool]:
    """Commit the raw bytes. Returns (row, created); an already known (source, source_uid) is not stored again."""
    row, created, _related = _store(raw, source=source, source_uid=source_uid, mailbox=mailbox,
                                    received_at=received_at)
    return row, created


def _known_deliveries(*, key: str, source: str, source_uid: str, since: datetime, refs: list[str]) -> list[InboundMail]:
    """The stored mails a new delivery may be: this message placed already, this very delivery
    (source and uid, through the partial unique index, whose condition the query repeats), or a
    delivery of this message or of one it answers still being placed (since ``since``). Their
    raw bytes are not read. Written as SQL: it runs for every delivery, and building it through
    the ORM cost more than running it."""
    table = connection.ops.quote_name(InboundMail._meta.db_table)
    where = [f"(dedupe_key = %s AND state IN ({marks(FINAL_STATES)}))"]
    params: list[object] = [key, *FINAL_STATES]
    if source_uid:
        # the partial unique index's condition, spelt as in its definition (SQLite compares the text)
        where.append("(source = %s AND source_uid = %s AND NOT (source_uid = ''))")
        params += [source, source_uid]
    pending = "dedupe_key = %s" + (f" OR message_id IN ({marks(refs)})" if refs else "")
    where.append(f"(state = %s AND received_at >= %s AND ({pending}))")
    params += [State.PENDING.value, connection.ops.adapt_datetimefield_value(since), key, *refs]
    sql = (f"SELECT id, source, source_uid, state, ticket_id FROM {table} "  # noqa: S608 - names from the model
           f"WHERE {' OR '.join(where)} ORDER BY received_at DESC LIMIT 20")
    return list(InboundMail.objects.raw(sql, params))


def _store(raw: bytes, *, source: str, source_uid: str, mailbox: Mailbox | None,
           received_at: datetime | None, history: bool = False) -> tuple[InboundMail, bool, list[InboundMail]]:
    """``store_raw``, plus the related deliveries being placed right now by someone else
    (concurrent deliveries): another delivery of this message, or of a message it answers.
    Found by the same query that looks for a known delivery: no extra round trip."""
    raw = bytes(raw)
    content_hash = hashlib.sha256(raw).hexdigest()
    message_id, key = dedupe_key_for(raw, content_hash)
    source_uid = source_uid[:300]
    now = timezone.now()
    refs = header_reference_ids(raw)
    rows = _known_deliveries(key=key, source=source, source_uid=source_uid, since=now - RELATED_WINDOW, refs=refs)
    for row in rows:
        if source_uid and row.source == source and row.source_uid == source_uid:
            return row, False, []
    owner = next((r for r in rows if r.state in FINAL_STATES), None)
    related = [r for r in rows if r.state == State.PENDING]
    try:
        row = InboundMail.objects.create(
            mailbox=mailbox, source=source[:20], source_uid=source_uid, raw=raw, size=len(raw),
            content_hash=content_hash, message_id=message_id, dedupe_key=key,
            received_at=received_at or now, from_addr=header_from_addr(raw), subject=header_subject(raw),
            state=State.DUPLICATE if owner else State.PENDING, attempts=0 if owner else 1, history=history,
            ticket_id=owner.ticket_id if owner else None,
            error=f"duplicate of inbound mail #{owner.pk}" if owner else "",
        )
    except IntegrityError:
        if not source_uid:
            raise
        return InboundMail.objects.defer("raw").get(delivery_q(source, [source_uid])), False, []
    return row, True, related


def ingest_raw(raw: bytes, *, source: str, source_uid: str = "", mailbox: Mailbox | None = None,
               received_at: datetime | None = None, on_stored: Callable[[], None] | None = None,
               history: bool = False) -> IngestResult:
    """Store then process one delivery. Safe to call again for the same (source, source_uid).
    ``on_stored`` is called once the raw bytes are committed (the LMTP server stores
    concurrent deliveries in the order they were handed over, see ``backends.lmtp``).

    A worker's kept connection found dead (the database restarted) is replaced and the store
    done again (``lib.db_retry``): nothing was committed yet, or, if the connection died while
    the row was being committed, the second row is the same message's, and only one of them
    can reach a final state (the Message-ID dedupe; the first one, left pending, ends as a
    ``duplicate`` when the stale-mail job finishes it). Once the raw bytes are committed,
    nothing is redone here: a later failure keeps the mail pending for that job.

    ``history``: old mail from before the switch (``tickets.history``), stored so: whoever
    places the row, now or after a crash, places it as history."""
    try:
        row, created, related = retry_on_lost_connection(
            lambda: _store(raw, source=source, source_uid=source_uid, mailbox=mailbox, received_at=received_at,
                           history=history),
            what=f"storing a {source} delivery")
    finally:
        if on_stored is not None:
            on_stored()
    if not created:
        if row.state == State.PENDING:  # stored before a crash, never finished
            return process_inbound(InboundMail.objects.get(pk=row.pk))
        return _result(row, Outcome.DUPLICATE)
    if row.state == State.DUPLICATE:
        return _result(row, Outcome.DUPLICATE)
    if related:
        # Delivered together with the mail it answers (or with another copy of itself): that
        # one is placed first, as if it had arrived first, then this one the careful way
        # (which sees a copy registered meanwhile as a duplicate).
        _wait_until_placed([r.pk for r in related])
        return _process(row, careful=True, check_parents=True)
    return _process(row, check_parents=True)


def _wait_until_placed(pks: list[int]) -> None:
    """Until none of these rows is pending (their deliveries are being processed right now,
    without waiting for this one), at most RELATED_WAIT seconds."""
    deadline = time.monotonic() + RELATED_WAIT
    while InboundMail.objects.filter(pk__in=pks, state=State.PENDING).exists():
        if time.monotonic() >= deadline:
            log.warning("inbound mails %s still pending after %s s; placing the next one anyway", pks, RELATED_WAIT)
            return
        time.sleep(0.01)


def process_inbound(inbound: InboundMail) -> IngestResult:
    """Claim a pending row (one more attempt) and process it; poison mails end in quarantine."""
    attempts = inbound.attempts
    claimed = InboundMail.objects.filter(pk=inbound.pk, state=State.PENDING, attempts=attempts).update(
        attempts=F("attempts") + 1)
    if not claimed:
        return _result(InboundMail.objects.defer("raw").get(pk=inbound.pk))
    inbound.attempts = attempts + 1
    if attempts >= MAX_ATTEMPTS:
        # A deferred mail carries its last failure ("will retry: ..."); otherwise the process died.
        cause = inbound.error or "the process died"
        return _quarantine(inbound, f"processing did not finish after {attempts} attempts ({cause})")
    return _process(inbound)


def process_claimed(inbound: InboundMail, parsed: ParsedMail | None = None) -> IngestResult:
    """Process a row this process stored (or claimed) itself; ``parsed`` when parsed elsewhere."""
    return _process(inbound, parsed)


def _process(inbound: InboundMail, parsed: ParsedMail | None = None, *, careful: bool = False,
             check_parents: bool = False) -> IngestResult:
    """``check_parents``: a delivery (not an import, which orders its mails itself) that finds
    no ticket for the ids it refers to looks whether one of them is a mail stored but not yet
    placed (``_ParentPending``): handed over after this one by a concurrent delivery, or
    being placed right now. It then waits for that mail and places this one again."""
    try:
        parsed = storable(parsed if parsed is not None else parse_mail(bytes(inbound.raw)))
    except Exception as exc:  # any bug must keep the mail, not lose it
        log.exception("inbound mail #%s quarantined", inbound.pk)
        return _quarantine(inbound, _bug_text(exc), None)
    if careful:
        return _process_carefully(inbound, parsed, check_parents=check_parents)
    if optimistic_active():
        # Inside the caller's optimistic transaction (a bulk import's batch): whatever fails
        # here raises, and the caller redoes its whole batch the careful way.
        placement = _place_and_finish(inbound, parsed, optimistic=True)
        return IngestResult(inbound_id=inbound.pk, outcome=placement.outcome, state=placement.state,
                            ticket_id=placement.ticket_id, opened_ticket=placement.opened_ticket)
    # The usual path: one transaction without savepoints (lib.optimistic). Anything that
    # fails in it, even if caught inside, sends the mail down the careful path below, which
    # is the whole placement again with every savepoint and every fallback.
    try:
        with transaction.atomic(), savepoints_off():
            placement = _place_and_finish(inbound, parsed, optimistic=True, check_parents=check_parents)
    except _AlreadyDone:
        return _result(InboundMail.objects.defer("raw").get(pk=inbound.pk))
    except _Registered as done:
        return _as_duplicate(inbound, done)
    except _ParentPending as pending:
        _wait_until_placed(pending.pks)
        return _process_carefully(inbound, parsed)
    except Exception:  # noqa: BLE001 - redone the careful way, which reports what fails
        return _process_carefully(inbound, parsed, check_parents=check_parents)
    return IngestResult(inbound_id=inbound.pk, outcome=placement.outcome, state=placement.state,
                        ticket_id=placement.ticket_id, opened_ticket=placement.opened_ticket)


class _Registered(Exception):  # noqa: N818 - an outcome, not an error
    """Another delivery of this message was committed while this one waited for its thread."""

    def __init__(self, owner_pk: int, ticket_id: int | None) -> None:
        super().__init__(owner_pk)
        self.owner_pk = owner_pk
        self.ticket_id = ticket_id


# A reply that found no ticket by its references may land by its subject on an older ticket
# of the same subject while the request it answers is still being placed.
_BY_SUBJECT = (Rule.SUBJECT, Rule.QUOTE)


class _ParentPending(Exception):  # noqa: N818 - an outcome, not an error
    """The mail refers to mails stored but not yet placed (by another worker, right now)."""

    def __init__(self, pks: list[int]) -> None:
        super().__init__(pks)
        self.pks = pks


def _pending_parents(inbound: InboundMail, parsed: ParsedMail, placement: Placement) -> list[int]:
    """Mails this one refers to that are stored and not yet placed, when it found no ticket
    by its references (it would open a ticket, land on none, or land by its subject on
    another open ticket of its sender's). One query, and only then: a reply whose parent is
    known costs nothing."""
    if placement.ticket_id is not None and not placement.opened_ticket and placement.route not in _BY_SUBJECT:
        return []
    ids = [i for i in reference_ids(parsed.in_reply_to, parsed.references) if i != inbound.message_id]
    related = Q(message_id__in=ids) if ids else Q(pk__in=[])
    sender = (parsed.from_addr or "").strip().lower()
    by_sender = placement.opened_ticket and bool(sender) and is_reply_subject(parsed.subject)
    if by_sender:
        # "Re: ..." with no reference we know (the subject rule): the request it answers may
        # be a mail of the same sender being placed right now. Only requests are waited for,
        # never another "Re:" (two of them would wait for each other).
        related |= Q(from_addr=sender)
    elif not ids:
        return []
    since = timezone.now() - RELATED_WINDOW
    rows = (InboundMail.objects.filter(related, state=State.PENDING, received_at__gte=since).exclude(pk=inbound.pk)
            .values_list("pk", "message_id", "subject")[:20])
    return [pk for pk, mid, subject in rows if mid in ids or not is_reply_subject(subject)]


def _as_duplicate(inbound: InboundMail, done: _Registered) -> IngestResult:
    """After the transaction that found the owner was rolled back: this delivery is a duplicate."""
    InboundMail.objects.filter(pk=inbound.pk, state=State.PENDING).update(
        state=State.DUPLICATE, ticket_id=done.ticket_id, error=f"duplicate of inbound mail #{done.owner_pk}",
        processed_at=timezone.now())
    return _result(InboundMail.objects.defer("raw").get(pk=inbound.pk), Outcome.DUPLICATE)


def _place_and_finish(inbound: InboundMail, parsed: ParsedMail, *, optimistic: bool,
                      check_parents: bool = False) -> Placement:
    """Inside the caller's transaction: lock the mail's thread, place it, mark the row done.
    One search-index rebuild for the ticket and all its new rows, committed with them.
    ``check_parents``: raises ``_ParentPending`` (the caller rolls back and waits) rather than
    commit a mail that found no ticket while a mail it refers to is still being placed."""
    keys = threadlocks.thread_keys(parsed)
    if optimistic:
        if not threadlocks.try_lock(keys):
            raise Redo  # a mail of the same thread is being placed: wait for it carefully
    elif threadlocks.applies():
        threadlocks.lock(keys)
        _raise_if_registered(inbound)
    at = placed_at(inbound, parsed)
    with search_index.batched(), recording_history(inbound.history, at=at):
        placement = place(parsed=parsed, inbound_id=inbound.pk, received_at=at, not_spam=inbound.not_spam)
        if optimistic and broken():
            raise Redo
        if check_parents:
            parents = _pending_parents(inbound, parsed, placement)
            if parents:
                raise _ParentPending(parents)
        final = {"state": placement.state, "ticket_id": placement.ticket_id, "route": placement.route,
                 "opened_ticket": placement.opened_ticket, "from_addr": (parsed.from_addr or "")[:254],
                 "subject": parsed.subject[:300], "processed_at": timezone.now(), "error": ""}
        together: list[InboundMail] | None = getattr(connection, "_sd_finish_together", None)
        if optimistic and together is not None:
            together.append(InboundMail(pk=inbound.pk, **final))
        elif InboundMail.objects.filter(pk=inbound.pk, state=State.PENDING).update(**final) != 1:
            raise _AlreadyDone
    if optimistic and broken():
        raise Redo
    return placement


def placed_at(inbound: InboundMail, parsed: ParsedMail) -> datetime:
    """The time a mail takes on its ticket: when we received it, or, for history, when its
    sender wrote it (never later than we received it; undated: when we received it)."""
    if inbound.history and parsed.date is not None:
        return min(parsed.date, inbound.received_at)
    return inbound.received_at


@contextmanager
def finished_together() -> Iterator[None]:
    """Inside an optimistic transaction that places several mails (an import's batch): each
    mail's final state is written for all of them in one UPDATE when the block ends, instead
    of one UPDATE per mail. A row no longer pending by then (another process finished it)
    fails the whole transaction (``Redo``): the caller does it again the careful way."""
    if getattr(connection, "_sd_finish_together", None) is not None:
        yield
        return
    rows: list[InboundMail] = []
    connection._sd_finish_together = rows  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection._sd_finish_together = None  # type: ignore[attr-defined]
    if rows and _finish_rows(rows) != len(rows):
        raise Redo


# The columns a placed mail's row gets, with their PostgreSQL types for a VALUES list.
_FINAL = (("state", "varchar"), ("ticket_id", "bigint"), ("route", "varchar"), ("opened_ticket", "boolean"),
          ("from_addr", "varchar"), ("subject", "varchar"), ("processed_at", "timestamptz"), ("error", "text"))


def _finish_rows(rows: list[InboundMail]) -> int:
    """Write the final state of these pending rows in one UPDATE; how many were still pending.
    On PostgreSQL the values are joined as a VALUES list: Django's bulk_update spells them as a
    CASE per column and row, which the server evaluates row by row, as slow as one UPDATE each."""
    names = [name for name, _cast in _FINAL]
    if connection.vendor != "postgresql":
        return InboundMail.objects.filter(state=State.PENDING).bulk_update(rows, names)
    table = connection.ops.quote_name(InboundMail._meta.db_table)
    row_sql = "(%s::bigint, " + ", ".join(f"%s::{cast}" for _name, cast in _FINAL) + ")"
    sets = ", ".join(f"{name} = v.{name}" for name in names)
    sql = (f"UPDATE {table} AS m SET {sets} FROM (VALUES {', '.join([row_sql] * len(rows))}) "  # noqa: S608
           f"AS v(id, {', '.join(names)}) WHERE m.id = v.id AND m.state = %s")
    params: list[Any] = [value for row in rows for value in (row.pk, *(getattr(row, name) for name in names))]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, State.PENDING.value])
        return cursor.rowcount


def _raise_if_registered(inbound: InboundMail) -> None:
    """After waiting for the thread's locks: a delivery of the same message committed meanwhile
    makes this one a duplicate, before it builds anything."""
    owner = (InboundMail.objects.filter(dedupe_key=inbound.dedupe_key, state__in=FINAL_STATES)
             .exclude(pk=inbound.pk).values_list("pk", "ticket_id").first())
    if owner is not None:
        raise _Registered(owner[0], owner[1])


def _process_carefully(inbound: InboundMail, parsed: ParsedMail, *, check_parents: bool = False) -> IngestResult:
    try:
        with transaction.atomic():
            placement = _place_and_finish(inbound, parsed, optimistic=False, check_parents=check_parents)
    except _AlreadyDone:
        return _result(InboundMail.objects.defer("raw").get(pk=inbound.pk))
    except _Registered as done:
        return _as_duplicate(inbound, done)
    except _ParentPending as pending:
        # Rolled back (its thread's locks released, so the parent can be placed): wait for
        # the parent, then once more, without asking again (a parent that never finishes,
        # its process dead, must not hold this mail back for longer than RELATED_WAIT).
        _wait_until_placed(pending.pks)
        return _process_carefully(inbound, parsed)
    except IntegrityError as exc:
        owner = (InboundMail.objects.filter(dedupe_key=inbound.dedupe_key, state__in=FINAL_STATES)
                 .exclude(pk=inbound.pk).defer("raw").first())
        if owner is not None:
            InboundMail.objects.filter(pk=inbound.pk, state=State.PENDING).update(
                state=State.DUPLICATE, ticket_id=owner.ticket_id, error=f"duplicate of inbound mail #{owner.pk}",
                processed_at=timezone.now())
            return _result(InboundMail.objects.defer("raw").get(pk=inbound.pk), Outcome.DUPLICATE)
        return _quarantine(inbound, _bug_text(exc), parsed)
    except SenderError as exc:
        return _quarantine(inbound, f"sender: {exc}", parsed)
    except _TRANSIENT as exc:
        return _defer(inbound, exc)
    except Exception as exc:  # any bug must keep the mail, not lose it
        log.exception("inbound mail #%s quarantined", inbound.pk)
        return _quarantine(inbound, _bug_text(exc), parsed)
    return IngestResult(inbound_id=inbound.pk, outcome=placement.outcome, state=placement.state,
                        ticket_id=placement.ticket_id, opened_ticket=placement.opened_ticket)


def _bug_text(exc: BaseException) -> str:
    return "error: " + "".join(traceback.format_exception(exc))[-8000:]


def _defer(inbound: InboundMail, exc: BaseException) -> IngestResult:
    log.warning("inbound mail #%s kept pending for a retry: %s", inbound.pk, exc)
    try:
        InboundMail.objects.filter(pk=inbound.pk, state=State.PENDING).update(
            error=_storable_text(f"will retry: {type(exc).__name__}: {exc}")[:10000])
    except _TRANSIENT:  # the database itself is what failed: the row is pending all the same
        log.warning("inbound mail #%s: could not note the retry", inbound.pk)
    return IngestResult(inbound_id=inbound.pk, outcome=Outcome.DEFERRED, state=State.PENDING)


def _duplicate_of_quarantined(inbound: InboundMail) -> bool:
    """Marks the mail a duplicate of another delivery of it already in quarantine, if any."""
    if not inbound.dedupe_key:
        return False
    try:
        with transaction.atomic():  # a savepoint: if this fails, the plain quarantine still runs
            waiting = (InboundMail.objects.filter(dedupe_key=inbound.dedupe_key, state=State.QUARANTINED)
                       .exclude(pk=inbound.pk).values_list("pk", flat=True).first())
            if waiting is None:
                return False
            InboundMail.objects.filter(pk=inbound.pk).update(
                state=State.DUPLICATE, error=f"duplicate of quarantined inbound mail #{waiting}",
                processed_at=timezone.now())
            return True
    except Exception:  # noqa: BLE001 - the quarantine must not fail for a look-up
        log.exception("inbound mail #%s: could not look for a quarantined copy", inbound.pk)
        return False


def _quarantine(inbound: InboundMail, error: str, parsed: ParsedMail | None = None) -> IngestResult:
    """Keep the mail for an agent. Another delivery of the same message already waiting there
    (the same Message-ID, or the same bytes without one: a copy from a second mailbox, an
    import of mail that was also delivered) makes this one its duplicate: one message, one
    entry in the quarantine, and the agent's re-process of it places the message once."""
    if _duplicate_of_quarantined(inbound):
        return IngestResult(inbound_id=inbound.pk, outcome=Outcome.DUPLICATE, state=State.DUPLICATE)
    if parsed is None:
        try:
            parsed = storable(parse_mail(bytes(inbound.raw)))
        except Exception:  # noqa: BLE001 - the error text is what matters here
            parsed = None
    fields: dict[str, object] = {"state": State.QUARANTINED, "error": error[:10000], "processed_at": timezone.now()}
    if parsed is not None:
        fields.update(from_addr=(parsed.from_addr or "")[:254], subject=parsed.subject[:300])
    try:
        with transaction.atomic():  # a savepoint: the fallback below must still be able to write
            InboundMail.objects.filter(pk=inbound.pk).update(**fields)
    except Exception:  # the quarantine itself must not fail: keep the state and the error at least
        log.exception("inbound mail #%s: could not store quarantine details", inbound.pk)
        InboundMail.objects.filter(pk=inbound.pk).update(
            state=State.QUARANTINED, error=_storable_text(error)[:10000], processed_at=timezone.now())
    return IngestResult(inbound_id=inbound.pk, outcome=Outcome.QUARANTINED, state=State.QUARANTINED)


def inbound_reprocess(*, inbound_id: int) -> IngestResult:
    """An agent's "re-process" of a quarantined (or spam) mail, after a fix."""
    updated = InboundMail.objects.filter(pk=inbound_id, state__in=(State.QUARANTINED, State.SPAM)).update(
        state=State.PENDING, attempts=0, error="")
    row = InboundMail.objects.get(pk=inbound_id)
    if not updated:
        return _result(row)
    return process_inbound(row)


def inbound_mark_not_spam(*, inbound_id: int) -> IngestResult:
    """The MTA was wrong: the mail is processed as a customer's mail."""
    updated = InboundMail.objects.filter(pk=inbound_id, state=State.SPAM).update(
        not_spam=True, state=State.PENDING, attempts=0, error="")
    row = InboundMail.objects.get(pk=inbound_id)
    if not updated:
        return _result(row)
    return process_inbound(row)


def inbound_process_stale(*, older_than: timedelta | None = None, limit: int = 200) -> int:
    """Periodic job: finish mails left ``pending`` by a process that died or by a failure of the
    disk or the database (``INBOUND_RETRY_SECONDS`` after they arrived). Returns how many."""
    if older_than is None:
        older_than = timedelta(seconds=settings.INBOUND_RETRY_SECONDS)
    cutoff = timezone.now() - older_than
    ids = list(InboundMail.objects.filter(state=State.PENDING, received_at__lt=cutoff)
               .order_by("received_at", "id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        row = InboundMail.objects.filter(pk=pk, state=State.PENDING).first()
        if row is not None:
            process_inbound(row)
    return len(ids)
