"""Tags: a ticket's tags change only here; supervisors rename and merge tags here too
(tag names are normalised by ``tickets.tags``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.tickets.models import Tag, Ticket, TicketTag
from supportdesk.tickets.services import InvalidAction, _locked, _now, ticket_add_event
from supportdesk.tickets.tags import normalize_tag


def ticket_tag(*, ticket: Ticket, add: Sequence[str] = (), remove: Sequence[str] = (),
               by_user: User | None, at: datetime | None = None) -> list[str]:
    """Add and remove tags (names normalised; a new name creates its tag) with one "tags" event
    when anything changed. Returns the ticket's tag names afterwards. BadTag for a bad name."""
    add_names = list(dict.fromkeys(normalize_tag(n) for n in add))
    remove_names = {normalize_tag(n) for n in remove} - set(add_names)
    when = _now(at)
    with transaction.atomic():
        ticket = _locked(ticket)
        present = dict(TicketTag.objects.filter(ticket=ticket).values_list("tag__name", "tag_id"))
        added = [n for n in add_names if n not in present]
        removed = sorted(n for n in remove_names if n in present)
        for name in added:
            tag, _created = Tag.objects.get_or_create(name=name)
            TicketTag.objects.create(ticket=ticket, tag=tag, added_at=when, added_by=by_user)
        if removed:
            TicketTag.objects.filter(ticket=ticket, tag_id__in=[present[n] for n in removed]).delete()
        if added or removed:
            ticket.save(update_fields=["updated_at"])
            ticket_add_event(ticket=ticket, event="tags", by_user=by_user, at=when,
                             data={"added": added, "removed": removed})
    return sorted((set(present) | set(added)) - set(removed))


def tag_rename(*, tag: Tag, name: str, by_user: User) -> Tag:
    """A supervisor renames a tag; every ticket keeps it under the new name. A name another tag
    already has is refused: that is a merge, which the supervisor asks for explicitly."""
    new = normalize_tag(name)
    with transaction.atomic():
        tag = Tag.objects.select_for_update().get(pk=tag.pk)
        old = tag.name
        if new == old:
            return tag
        if Tag.objects.filter(name=new).exists():
            raise InvalidAction(gettext("The tag “%(name)s” exists already: merge into it instead.") % {"name": new})
        tag.name = new
        tag.save(update_fields=["name"])
        audit_record(actor=by_user, action=AuditEntry.Action.ADMIN_CHANGE, target=tag,
                     details={"renamed": old, "to": new})
    return tag


def tag_merge(*, source: Tag, target: Tag, by_user: User) -> int:
    """A supervisor merges ``source`` into ``target``: its tickets get ``target`` (once) and
    ``source`` is deleted. Returns the number of tickets that carried ``source``."""
    if source.pk == target.pk:
        raise InvalidAction(gettext("a tag cannot be merged into itself"))
    with transaction.atomic():
        locked = {t.pk: t for t in Tag.objects.select_for_update().filter(pk__in=(source.pk, target.pk)).order_by("pk")}
        if len(locked) != 2:
            raise Tag.DoesNotExist
        source, target = locked[source.pk], locked[target.pk]
        carried = TicketTag.objects.filter(tag=source)
        count = carried.count()
        # Tickets that have both keep their "target" row; the others move theirs over.
        carried.filter(ticket__ticket_tags__tag=target).delete()
        carried.update(tag=target)
        name = source.name
        source.delete()
        audit_record(actor=by_user, action=AuditEntry.Action.ADMIN_CHANGE, target=target,
                     details={"merged": name, "into": target.name, "tickets": count})
    return count

