"""Bulk intake: a Maildir, an mbox or a folder of ``.eml`` files (migration from another desk).

Two passes, both restartable: every raw message is stored first (many per transaction),
then the stored mails are processed oldest ``Date`` first, so a reply never arrives before
the request it answers: a savepoint per mail, COMMIT_EVERY mails per transaction. The sender's Date only orders the
work; the received time stays the time we read the message.

An archive brought in when a team switches is history (``history_before``): a mail dated
before that moment is stored as history (``InboundMail.history``) and placed at its own date,
answered by nothing (``tickets.history``: no acknowledgment, no reply clock, no notification,
no webhook); the tickets it filled are closed once the whole import is placed, also by a
re-run after a crash. Newer mail of the same import is taken as any mail arriving today.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import re
import signal
import threading
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sized
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from supportdesk.lib.db_retry import retry_on_lost_connection
from supportdesk.lib.optimistic import Redo, broken, savepoints_off
from supportdesk.mail import threadlocks
from supportdesk.mail.backends.base import MailSource
from supportdesk.mail.backends.maildir import EmlDirectorySource, MaildirSource, is_maildir
from supportdesk.mail.backends.mbox import MboxSource, is_mbox
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.ingest import (
    IngestResult,
    dedupe_key_for,
    finished_together,
    ingest_raw,
    process_claimed,
    process_inbound,
)
from supportdesk.mail.models import FINAL_STATES, InboundMail, delivery_q
from supportdesk.mail.parsing import ParsedMail, parse_mail
from supportdesk.mail.workers import default_workers, worker_pool
from supportdesk.search import index as search_index
from supportdesk.tickets.services_history import tickets_close_history

State = InboundMail.State
STORE_BATCH = 200
# Mails processed per transaction in a bulk import: a PostgreSQL commit waits for the WAL
# flush (~2 ms here), more than a savepoint per mail costs. Arrival (ingest_raw) keeps one
# transaction per mail.
COMMIT_EVERY = 25
PARALLEL_MIN = 64  # below this a worker process costs more than it saves
# Mails a worker places in one transaction, of those ready when it is free (a bulk import on
# PostgreSQL); fewer when fewer are ready, so a reply never waits for a batch to fill up.
PARALLEL_BATCH = 8
# PostgreSQL: mails placed at once by a large import, each on its own connection.
IMPORT_WORKERS = int(os.environ.get("SUPPORTDESK_IMPORT_WORKERS") or default_workers())
_DATE = re.compile(rb"^date:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)
    history_closed: int = 0  # tickets of old mail an archive import closed as history

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, int]:
        keys = (Outcome.TICKETED, Outcome.THREADED, Outcome.ROBOT, Outcome.SPAM, Outcome.DUPLICATE,
                Outcome.QUARANTINED, Outcome.DEFERRED)
        return {k: self.counts.get(k, 0) for k in keys}


def open_local_source(path: str | Path) -> MailSource:
    """Maildir, mbox or folder of .eml files, decided by what is on disk."""
    p = Path(path)
    if is_maildir(p):
        return MaildirSource(p, readonly=True)
    if p.is_dir():
        return EmlDirectorySource(p)
    if is_mbox(p):
        return MboxSource(p)
    if p.is_file():
        return _SingleFile(p)
    raise FileNotFoundError(f"{p}: no Maildir, mbox or folder of .eml files here")


class _SingleFile:
    kind = "eml"

    def __init__(self, path: Path) -> None:
        self.path = path

    def __len__(self) -> int:
        return 1

    def fetch_new(self) -> Iterator[tuple[str, bytes]]:
        yield self.path.name, self.path.read_bytes()

    def mark_done(self, source_uid: str) -> None:
        return None


def sort_date(raw: bytes) -> datetime:
    """The sender's Date, for ordering only; undated mail goes first."""
    end = _HEADER_END.search(raw)
    match = _DATE.search(raw[: end.start()] if end else raw[:65536])
    if not match:
        return _EPOCH
    try:
        value = parsedate_to_datetime(match.group(1).decode("latin-1").strip())
    except (TypeError, ValueError, IndexError):
        return _EPOCH
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Todo:
    date: datetime
    pk: int
    raw: bytes
    dedupe_key: str
    fresh: bool  # stored (and so claimed) by this run; otherwise a leftover of a crashed run
    history: bool = False  # old mail from before the switch (stored so)


def store_many(items: Iterable[tuple[str, bytes]], *, source: str, received_at: datetime | None = None,
               progress: Progress | None = None, total: int = 0, history_before: datetime | None = None,
               digests: set[str] | None = None) -> tuple[list[_Todo], int]:
    """Store raw messages in batches. Returns (rows to process, already known count); a mail
    dated before ``history_before`` is stored as history; ``digests`` collects the content
    hash (the source uid) of every mail read, new or known.

    The uid of an imported message is its content hash, so importing the same archive
    twice stores nothing new.
    """
    todo: list[_Todo] = []
    known = 0
    batch: list[bytes] = []
    done = 0
    at = received_at or timezone.now()

    def flush() -> None:
        nonlocal known, done
        # A connection lost before the batch's commit is replaced and the batch stored again
        # (lib.db_retry); one committed after all is found again by its rows' uids (leftovers).
        rows, skipped = retry_on_lost_connection(lambda: _store_batch(batch, source=source, received_at=at,
                                                                      history_before=history_before,
                                                                      digests=digests),
                                                 what="import: storing a batch")
        todo.extend(rows)
        known += skipped
        done += len(batch)
        batch.clear()
        if progress:
            progress("store", done, total)

    for _uid, raw in items:
        batch.append(bytes(raw))
        if len(batch) >= STORE_BATCH:
            flush()
    if batch:
        flush()
    return todo, known


def _store_batch(raws: list[bytes], *, source: str, received_at: datetime, history_before: datetime | None = None,
                 digests: set[str] | None = None) -> tuple[list[_Todo], int]:
    prepared = []
    for raw in raws:
        digest = hashlib.sha256(raw).hexdigest()
        mid, key = dedupe_key_for(raw, digest)
        prepared.append((raw, digest, mid, key, sort_date(raw)))
    if digests is not None:
        digests.update(p[1] for p in prepared)
    with transaction.atomic():
        existing = dict(InboundMail.objects.filter(delivery_q(source, {p[1] for p in prepared}))
                        .values_list("source_uid", "state"))
        owners = dict(InboundMail.objects.filter(dedupe_key__in={p[3] for p in prepared}, state__in=FINAL_STATES)
                      .values_list("dedupe_key", "pk"))
        new_rows = []
        leftovers: set[str] = set()
        seen: set[str] = set()
        for raw, digest, mid, key, date in prepared:
            if digest in existing or digest in seen:
                if existing.get(digest) == State.PENDING:
                    leftovers.add(digest)
                continue
            seen.add(digest)
            owner = owners.get(key)
            # Fresh rows are born claimed (attempts=1), as in ingest_raw.
            new_rows.append(InboundMail(
                source=source, source_uid=digest, raw=raw, size=len(raw), content_hash=digest, message_id=mid,
                dedupe_key=key, received_at=received_at, state=State.DUPLICATE if owner else State.PENDING,
                attempts=0 if owner else 1, error=f"duplicate of inbound mail #{owner}" if owner else "",
                history=history_before is not None and date < history_before,
            ))
        InboundMail.objects.bulk_create(new_rows, batch_size=STORE_BATCH)
        created = (InboundMail.objects.filter(delivery_q(source, seen | leftovers), state=State.PENDING)
                   .values_list("pk", "source_uid", "history"))
        by_uid = {uid: (pk, history) for pk, uid, history in created}
    todo: dict[int, _Todo] = {}
    for raw, digest, _mid, key, date in prepared:
        if digest in by_uid and by_uid[digest][0] not in todo:
            pk, history = by_uid[digest]
            todo[pk] = _Todo(date, pk, raw, key, digest not in leftovers, history)
    return list(todo.values()), len(raws) - len(todo)


def _parse(raw: bytes) -> ParsedMail:
    return parse_mail(raw)


def _parsed_in_order(todo: list[_Todo]) -> Generator[ParsedMail, None, None]:
    """Parse on the other core while this one writes: parsing is pure and half the work."""
    if len(todo) < PARALLEL_MIN or (os.cpu_count() or 1) < 2:
        yield from (parse_mail(t.raw) for t in todo)
        return
    # fork: the child inherits the loaded code and never touches the database connection.
    with multiprocessing.get_context("fork").Pool(1) as pool:
        yield from pool.imap(_parse, (t.raw for t in todo), chunksize=16)


def process_in_order(todo: list[_Todo], *, summary: ImportSummary, progress: Progress | None = None,
                     received_at: datetime | None = None) -> None:
    """Oldest first. Mails this run stored go COMMIT_EVERY per transaction, each in its own
    savepoint: one that fails rolls back to it and is quarantined, as with a transaction of
    its own. A crash loses only the open batch's work; its mails stay ``pending`` (stored
    with attempts=1) and a re-run processes them. A leftover of a crashed run is claimed
    and processed alone, as before, so its attempt is committed before it runs (a mail that
    kills the process ends in quarantine after MAX_ATTEMPTS)."""
    todo = sorted(todo, key=lambda t: (t.date, t.pk))
    workers = parallel_workers(len(todo))
    if workers > 1:
        _process_in_parallel(todo, workers=workers, summary=summary, progress=progress, received_at=received_at)
        return
    done = 0
    batch: list[tuple[_Todo, ParsedMail]] = []

    def commit_batch() -> None:
        nonlocal done
        if not batch:
            return
        outcomes = _place_batch(batch, received_at)
        for outcome in outcomes:  # counted once committed
            summary.add(outcome)
        done += len(batch)
        batch.clear()
        if progress:
            progress("process", done, len(todo))

    for item, parsed in zip(todo, _parsed_in_order(todo), strict=True):
        if item.fresh:
            batch.append((item, parsed))
            if len(batch) >= COMMIT_EVERY:
                commit_batch()
            continue
        commit_batch()
        leftover = InboundMail.objects.filter(pk=item.pk, state=State.PENDING).first()
        summary.add(process_inbound(leftover).outcome if leftover else Outcome.DUPLICATE)
        done += 1
        if progress:
            progress("process", done, len(todo))
    commit_batch()


def _place_batch(batch: list[tuple[_Todo, ParsedMail]], received_at: datetime | None) -> list[str]:
    """Fresh mails placed in one transaction, in order; their outcomes once committed. One
    search-index rebuild per ticket per batch, committed with the batch. First without any
    savepoint (lib.optimistic): if anything in the batch fails, it is rolled back whole and
    done again the careful way, a savepoint per mail, as it always was."""
    try:
        with transaction.atomic(), savepoints_off(), search_index.batched(), finished_together():
            # Every mail's thread locks at once (each mail then finds its own taken).
            threadlocks.try_lock(k for _item, parsed in batch for k in threadlocks.thread_keys(parsed))
            outcomes = [_process_fresh(item, parsed, received_at) for item, parsed in batch]
            if broken():
                raise Redo
    except Exception:  # noqa: BLE001 - the careful pass handles and reports each mail
        with transaction.atomic(), search_index.batched():
            _check_constraints_now()
            outcomes = [_process_fresh(item, parsed, received_at) for item, parsed in batch]
    return outcomes


def parallel_workers(count: int) -> int:
    """Database connections placing mails at once: PostgreSQL only (SQLite has one writer),
    only for an import of some size, and never inside the caller's transaction (the workers'
    connections could not see its rows)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or count < PARALLEL_MIN:
        return 1
    return max(1, IMPORT_WORKERS)


def _scheduling_keys(parsed: ParsedMail) -> set[str]:
    """What orders two mails of an import: one conversation (its Message-IDs) or one company
    (a colleague's "Re:" on the subject of a ticket opened by someone at the same domain)."""
    keys = {f"lock:{k}" for k in threadlocks.thread_keys(parsed)}
    address = (parsed.from_addr or "").strip().lower()
    if "@" in address:
        keys.add("domain:" + address.rpartition("@")[2])
    return keys


def _process_in_parallel(todo: list[_Todo], *, workers: int, summary: ImportSummary, progress: Progress | None,
                         received_at: datetime | None) -> None:
    """Oldest first, on ``workers`` worker PROCESSES, each with its own connection
    (PostgreSQL): the placing is Python work, and only processes use more than one core. A
    mail is handed to a worker only after every earlier mail it may depend on is committed:
    same conversation (Message-ID, In-Reply-To, References), same sender, same company
    domain. So every reply still finds the request it answers, exactly as in one pass;
    unrelated mails overlap. A free worker takes up to PARALLEL_BATCH of the mails ready at
    that moment and places them in one transaction (``_place_batch``, as one pass does): a
    commit and one search-index rebuild per ticket for all of them. The scheduling stays
    here, in one thread; the workers only place."""
    latest: dict[str, int] = {}  # scheduling key -> the last mail (index) that has it
    finished: set[int] = set()
    waiting: dict[int, tuple[_Todo, ParsedMail, int]] = {}  # index -> (mail, parsed, unfinished before it)
    dependents: dict[int, list[int]] = {}
    ready: deque[tuple[int, _Todo, ParsedMail]] = deque()
    results: queue.SimpleQueue[tuple[list[int], Future[list[str]]]] = queue.SimpleQueue()
    failure: BaseException | None = None
    window = max(64, workers * 16)  # mails parsed and not yet placed: bounds the memory of a large import
    done = inflight = running = 0

    def dispatch() -> None:
        nonlocal running
        while ready and running < workers:
            chunk = [ready.popleft() for _ in range(min(PARALLEL_BATCH, len(ready)))]
            future = pool.submit(_place_in_worker, [(item, parsed) for _i, item, parsed in chunk], received_at)
            future.add_done_callback(_report_to(results, [i for i, _item, _parsed in chunk]))
            running += 1

    # SIGTERM stops an import as Ctrl-C does (the command's default would leave the workers).
    stop_on_sigterm = threading.current_thread() is threading.main_thread()
    previous_handler = signal.signal(signal.SIGTERM, _interrupt) if stop_on_sigterm else None
    parsed_mails = _parsed_in_order(todo)
    try:
        pool = worker_pool(workers)  # forked before the parser's process and threads exist
    except BaseException:
        if stop_on_sigterm:
            signal.signal(signal.SIGTERM, previous_handler)
        raise
    try:
        mails = enumerate(zip(todo, parsed_mails, strict=True))
        more = True
        while True:
            while more and inflight < window:
                nxt = next(mails, None)
                if nxt is None:
                    more = False
                    break
                index, (item, parsed) = nxt
                keys = _scheduling_keys(parsed)
                before = {latest[k] for k in keys if k in latest} - finished
                for key in keys:
                    latest[key] = index
                inflight += 1
                if before:
                    waiting[index] = (item, parsed, len(before))
                    for earlier in before:
                        dependents.setdefault(earlier, []).append(index)
                else:
                    ready.append((index, item, parsed))
            dispatch()
            if not inflight:
                break
            indexes, future = results.get()
            running -= 1
            inflight -= len(indexes)
            finished.update(indexes)
            try:
                for outcome in future.result():
                    summary.add(outcome)
            except Exception as exc:  # noqa: BLE001 - raised once every other mail is placed
                failure = failure or exc
            done += len(indexes)
            if progress:
                progress("process", done, len(todo))
            for index in indexes:
                for later in dependents.pop(index, ()):
                    item, parsed, count = waiting[later]
                    if count > 1:
                        waiting[later] = (item, parsed, count - 1)
                    else:
                        del waiting[later]
                        ready.append((later, item, parsed))
    finally:
        # Ctrl-C (or SIGTERM): the workers ignore both, finish the mail they are placing, close
        # their connections and exit (mail.workers); the mails not started stay pending.
        parsed_mails.close()
        pool.shutdown(wait=True, cancel_futures=True)
        if stop_on_sigterm:
            signal.signal(signal.SIGTERM, previous_handler)
    if failure is not None:
        raise failure


def _report_to(results: queue.SimpleQueue[tuple[list[int], Future[list[str]]]],
               indexes: list[int]) -> Callable[[Future[list[str]]], None]:
    def report(future: Future[list[str]]) -> None:
        results.put((indexes, future))
    return report


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _place_in_worker(chunk: list[tuple[_Todo, ParsedMail]], received_at: datetime | None) -> list[str]:
    """The fresh mails of a chunk in one transaction; a leftover of a crashed run alone, as in
    one pass (claimed and committed before it runs)."""
    fresh = [(item, parsed) for item, parsed in chunk if item.fresh]
    outcomes = _place_batch(fresh, received_at) if fresh else []
    for item, _parsed in chunk:
        if not item.fresh:
            leftover = InboundMail.objects.filter(pk=item.pk, state=State.PENDING).first()
            outcomes.append(process_inbound(leftover).outcome if leftover else Outcome.DUPLICATE)
    return outcomes


def _check_constraints_now() -> None:
    # PostgreSQL checks Django's foreign keys at COMMIT (DEFERRABLE INITIALLY DEFERRED); a
    # violation must surface inside the mail's savepoint, where it is handled, not at the
    # batch's commit.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _process_fresh(item: _Todo, parsed: ParsedMail, received_at: datetime | None) -> str:
    row = InboundMail(pk=item.pk, raw=item.raw, dedupe_key=item.dedupe_key, state=State.PENDING,
                      attempts=1, not_spam=False, received_at=received_at or timezone.now(), history=item.history)
    return process_claimed(row, parsed).outcome


def import_source(source: MailSource, *, progress: Progress | None = None,
                  history_before: datetime | None = None) -> ImportSummary:
    """Store everything, then process in Date order. Safe to run again on the same input.

    ``history_before``: mail dated before this is history (see the module's docstring); the
    tickets of this input's history that owe no reply are closed at the end
    (``summary.history_closed``)."""
    summary = ImportSummary()
    total = len(source) if isinstance(source, Sized) else 0
    received_at = timezone.now()
    digests: set[str] = set()  # of every mail read: a re-run after a crash closes the first run's tickets too
    todo, known = store_many(source.fetch_new(), source="import", progress=progress, total=total,
                             received_at=received_at, history_before=history_before,
                             digests=digests if history_before is not None else None)
    summary.counts[Outcome.DUPLICATE] += known
    process_in_order(todo, summary=summary, progress=progress, received_at=received_at)
    if history_before is not None:
        summary.history_closed = len(tickets_close_history(ticket_ids=_history_tickets(digests), before=history_before))
    return summary


def _history_tickets(digests: set[str]) -> set[int]:
    found: set[int] = set()
    chosen = sorted(digests)
    for start in range(0, len(chosen), 1000):
        found.update(InboundMail.objects.filter(source="import", source_uid__in=chosen[start:start + 1000],
                                                history=True, ticket_id__isnull=False)
                     .values_list("ticket_id", flat=True))
    return found


def ingest_one_by_one(source: MailSource, *, progress: Progress | None = None) -> ImportSummary:
    """Arrival order: each message stored and processed before the next is read; marked done after."""
    summary = ImportSummary()
    total = len(source) if isinstance(source, Sized) else 0
    for n, (uid, raw) in enumerate(source.fetch_new(), 1):
        result: IngestResult = ingest_raw(raw, source=source.kind, source_uid=uid)
        summary.add(result.outcome)
        source.mark_done(uid)
        if progress:
            progress("process", n, total)
    return summary
