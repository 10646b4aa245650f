"""Property: whatever bytes arrive, every delivery ends as a ticket message, a robot record,
spam, a duplicate or a quarantine entry; nothing is pending, lost or counted twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from supportdesk.customers.services import customer_for_email
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.tickets.models import Message

CORPUS = Path(__file__).with_name("corpus")
SEEDS = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))[::6]] + [
    make_mail(message_id="seed1@tv-sibir.ru"),
    make_mail(subject="Re: Не выводятся титры", in_reply_to="seed1@tv-sibir.ru", message_id="seed2@tv-sibir.ru"),
    make_mail(headers={"Auto-Submitted": "auto-replied"}, references="<seed1@tv-sibir.ru>"),
    make_mail(headers={"X-Spam-Flag": "YES"}),
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "drop_line", "dup_line", "insert", "charset"]))
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        if kind == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[at:]
        elif kind == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "charset":
            raw = bytearray(bytes(raw).replace(b"charset=", draw(st.sampled_from(
                [b"charset=koi8-r;x=", b"charset=bogus-42;x=", b"charset=\"\";x="])), 1))
        else:
            lines = bytes(raw).split(b"\n")
            i = at % len(lines)
            if kind == "drop_line":
                del lines[i]
            else:
                lines.insert(i, lines[i])
            raw = bytearray(b"\n".join(lines))
    return bytes(raw)


class IngestPropertyTests(TestCase):
    def setUp(self) -> None:
        customer_for_email(address="ivanov@tv-sibir.ru", name="Иван Иванов")

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(mutated(), min_size=1, max_size=8))
    def test_every_delivery_ends_somewhere_and_the_count_adds_up(self, raws: list[bytes]) -> None:
        before = InboundMail.objects.count()
        outcomes = Counter(ingest_raw(raw, source="fuzz").outcome for raw in raws)
        rows = InboundMail.objects.order_by("pk")[before:]
        self.assertEqual(len(rows), len(raws))
        self.assertEqual(sum(outcomes.values()), len(raws))
        states = Counter(r.state for r in rows)
        self.assertEqual(states.get("pending", 0), 0)
        self.assertEqual(states["ticketed"], outcomes[Outcome.TICKETED] + outcomes[Outcome.THREADED])
        self.assertEqual(states["robot"], outcomes[Outcome.ROBOT])
        self.assertEqual(states["quarantined"], outcomes[Outcome.QUARANTINED])
        self.assertEqual(states["spam"] + states["duplicate"], outcomes[Outcome.SPAM] + outcomes[Outcome.DUPLICATE])
        for row, raw in zip(rows, raws, strict=True):
            self.assertEqual(bytes(row.raw), raw)  # the record of truth, byte for byte
            on_ticket = Message.objects.filter(inbound_id=row.pk).count()
            if row.state == "ticketed":
                self.assertEqual(on_ticket, 1)
                self.assertIsNotNone(row.ticket_id)
            elif row.state == "quarantined":
                self.assertEqual(on_ticket, 0)
                self.assertTrue(row.error)
            elif row.state in ("spam", "duplicate"):
                self.assertEqual(on_ticket, 0)
            else:
                self.assertEqual(row.state, "robot")
                self.assertLessEqual(on_ticket, 1)
