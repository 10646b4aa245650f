"""Saved views of the queue: an agent's own, or shared by a supervisor with every agent."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from supportdesk.accounts.roles import is_agent, is_supervisor
from supportdesk.tickets.models import SavedView
from supportdesk.tickets.services import InvalidAction

# More than this many views of one owner would crowd the navigation.
VIEWS_PER_OWNER = 30


def saved_view_save(*, user: User, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the queue's filter and sort under ``name``; the user's view of that name is replaced.
    Only supervisors share a view."""
    if not is_agent(user):
        raise PermissionDenied("agents only")
    if shared and not is_supervisor(user):
        raise PermissionDenied(gettext("Only a supervisor can share a view."))
    name = " ".join(name.split())[:80]
    if not name:
        raise InvalidAction(gettext("A view needs a name."))
    with transaction.atomic():
        view = SavedView.objects.select_for_update().filter(owner=user, name=name).first()
        if view is None:
            if SavedView.objects.filter(owner=user).count() >= VIEWS_PER_OWNER:
                raise InvalidAction(gettext("You have %(n)s saved views already: delete one first.")
                                    % {"n": VIEWS_PER_OWNER})
            view = SavedView(owner=user, name=name)
        view.query = query[:1000]
        view.shared = shared
        view.save()
    return view


def saved_view_delete(*, user: User, view: SavedView) -> None:
    """The owner deletes their view; a supervisor may also delete any shared one."""
    if view.owner_id != user.pk and not (view.shared and is_supervisor(user)):
        raise PermissionDenied(gettext("This view is not yours to delete."))
    view.delete()
