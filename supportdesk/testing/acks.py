"""Acknowledgments counted at an SMTP sink, per mail they answer (``bench/topology.py``).

The outbox sends at least once, never less: a worker killed after the SMTP server accepted a
mail and before it recorded the send leaves its claim to expire, and the next worker sends the
same stored bytes again, same Message-ID, noting it on the row (``outbox.services.RESENT_NOTE``).
So two copies of one Message-ID are one acknowledgment delivered twice, allowed only when the
outbox row says it was resent that way; two different Message-IDs answering one mail are two
acknowledgments, always a failure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AckTally:
    acks: int  # distinct acknowledgments (Message-IDs) over all mails
    mails_with_one_ack: int
    # In-Reply-To -> the Message-IDs of every acknowledgment answering it, when more than one.
    several: dict[str, list[str]] = field(default_factory=dict)
    # Message-ID -> copies, for a mail sent again after an interrupted attempt (the row says so).
    resent: dict[str, int] = field(default_factory=dict)
    # Message-ID -> copies, for a mail the sink got more than once with no such note: a bug.
    unexplained: dict[str, int] = field(default_factory=dict)


def tally_acks(received: Iterable[tuple[str, str]], resent_ids: Iterable[str]) -> AckTally:
    """``received``: (In-Reply-To, Message-ID) of each acknowledgment the sink got, brackets or
    not; ``resent_ids``: the outbox rows' Message-IDs noted as sent again after an interruption."""
    copies: Counter[tuple[str, str]] = Counter((_bare(irt), _bare(mid)) for irt, mid in received)
    by_mail: defaultdict[str, list[str]] = defaultdict(list)
    for irt, mid in copies:
        by_mail[irt].append(mid)
    noted = {_bare(mid) for mid in resent_ids}
    repeated = {mid: n for (_irt, mid), n in copies.items() if n > 1}
    return AckTally(
        acks=len(copies),
        mails_with_one_ack=sum(1 for mids in by_mail.values() if len(mids) == 1),
        several={irt: sorted(mids) for irt, mids in by_mail.items() if len(mids) > 1},
        resent={mid: n for mid, n in repeated.items() if mid in noted},
        unexplained={mid: n for mid, n in repeated.items() if mid not in noted},
    )


def _bare(message_id: str) -> str:
    return message_id.strip().strip("<>")
