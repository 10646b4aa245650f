"""Three tickets with known timings across a weekend, a holiday and a shortened day.

November 2026 in Novosibirsk (office 09:00–18:00): Tuesday the 3rd is shortened (to 17:00),
Wednesday the 4th a holiday (National Unity Day), the 7th and 8th a weekend.

A (forward-ts, e-mail, Alice): message Mon 2nd 17:00, answered Thu 5th 10:00 (1 + 8 + 0 + 1 = 10 business
  hours: target missed, limit kept), asked for information (waiting for the customer Thu 5th 10:00 → Mon
  9th 11:00: 8 + 9 + 2 = 19 h), answered Mon 9th 15:00 (4 h), solved Mon 9th 16:00: net 10 + 5 = 15 h.
B (slvideo, phone, Sam): message Fri 6th 17:30, answered Wed 11th 12:00 (0.5 + 9 + 9 + 3 = 21.5 h: both
  missed), waiting for a release Wed 11th 12:00 → Thu 12th 15:00 (6 + 6 = 12 h), solved Thu 12th 16:00:
  net 21.5 + 1 = 22.5 h.
C (forward-ts, e-mail, Alice): message Tue 3rd 16:30, answered 16:45 (0.25 h), solved 16:50, reopened by
  the customer Thu 5th 09:30 and still unanswered (past its limit, Mon 9th 09:30).

Time spent: Alice 30 min on A and 60 on C, Sam 45 on B.
"""

from __future__ import annotations

from supportdesk.catalog.models import Release
from supportdesk.test import office_time
from supportdesk.tickets import services, services_checklist
from supportdesk.tickets.models import Message, Status, Ticket


def build_scenario(case) -> None:  # type: ignore[no-untyped-def]
    p1, p2 = case.products["forward-ts"], case.products["slvideo"]
    case.p1, case.p2 = p1, p2

    def ticket(subject: str, at, product, channel: str, assignee):  # type: ignore[no-untyped-def]
        t = services.ticket_create(customer=case.customer, subject=subject, channel=channel,
                                   contact_email="ivanov@tv-sibir.ru", product=product, created_at=at)
        services.ticket_add_message(ticket=t, kind=Message.Kind.INCOMING, body_text=subject,
                                    author_customer=case.customer, created_at=at)
        services.ticket_assign(ticket=t, assignee=assignee, by_user=case.sam)
        return Ticket.objects.get(pk=t.pk)

    def reply(t: Ticket, user, at, minutes: int | None = None) -> None:  # type: ignore[no-untyped-def]
        services.ticket_add_message(ticket=t, kind=Message.Kind.OUTGOING, body_text="Ответ", author_user=user,
                                    created_at=at, time_spent=minutes)

    def customer(t: Ticket, at) -> None:  # type: ignore[no-untyped-def]
        services.ticket_add_message(ticket=t, kind=Message.Kind.INCOMING, body_text="Ещё", author_customer=case.customer,
                                    created_at=at)

    def ack(t: Ticket, missing: list[str], articles: list[str]) -> None:
        services.ticket_add_event(ticket=t, event="ack_sent", at=t.created_at,
                                  data={"missing": missing, "articles": articles})

    a = case.a = ticket("A", office_time(2026, 11, 2, 17, 0), p1, "email", case.alice)
    ack(a, ["version", "settings"], ["how-to-update"])
    reply(a, case.alice, office_time(2026, 11, 5, 10, 0), minutes=30)
    services.ticket_set_status(ticket=a, status=Status.WAITING_CUSTOMER, by_user=case.alice,
                               at=office_time(2026, 11, 5, 10, 0))
    services.ticket_add_message(ticket=a, kind=Message.Kind.INCOMING, is_robot=True, body_text="Out of office",
                                created_at=office_time(2026, 11, 5, 11, 0))
    customer(a, office_time(2026, 11, 9, 11, 0))
    services_checklist.ticket_set_checklist(ticket=a, items={"version": (True, "5.2")}, source="agent", by_user=case.alice)
    reply(a, case.alice, office_time(2026, 11, 9, 15, 0))
    services.ticket_set_status(ticket=a, status=Status.SOLVED, by_user=case.alice, at=office_time(2026, 11, 9, 16, 0))

    b = case.b = ticket("B", office_time(2026, 11, 6, 17, 30), p2, "phone", case.sam)
    ack(b, [], [])
    reply(b, case.sam, office_time(2026, 11, 11, 12, 0), minutes=45)
    release = Release.objects.create(product=p2, version="9.9", status=Release.Status.PLANNED)
    services.ticket_set_status(ticket=b, status=Status.WAITING_RELEASE, release=release, by_user=case.sam,
                               at=office_time(2026, 11, 11, 12, 0))
    services.ticket_set_status(ticket=b, status=Status.OPEN, by_user=case.sam, at=office_time(2026, 11, 12, 15, 0))
    services.ticket_add_event(ticket=b, event="bounced", at=office_time(2026, 11, 10, 9, 0), data={"reason": "x"})
    services.ticket_set_status(ticket=b, status=Status.SOLVED, by_user=case.sam, at=office_time(2026, 11, 12, 16, 0))

    c = case.c = ticket("C", office_time(2026, 11, 3, 16, 30), p1, "email", case.alice)
    ack(c, ["steps"], ["titles"])
    reply(c, case.alice, office_time(2026, 11, 3, 16, 45), minutes=60)
    services.ticket_set_status(ticket=c, status=Status.SOLVED, by_user=case.alice, at=office_time(2026, 11, 3, 16, 50))
    customer(c, office_time(2026, 11, 5, 9, 30))
