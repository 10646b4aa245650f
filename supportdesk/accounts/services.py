"""Teams, their members and routing rules: written only here, by supervisors and administrators.

A change of membership changes which tickets a user sees, so it is audited as a role change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext

from supportdesk.accounts.models import Team, TeamRule
from supportdesk.accounts.roles import has_perm, is_agent
from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record


class TeamError(ValueError):
    pass


def _require_manager(user: User | AnonymousUser) -> None:
    if not has_perm(user, "teams.manage"):
        raise PermissionDenied("only supervisors manage teams")


def normalize_rule_value(kind: str, value: str) -> str:
    """How a rule value is stored and compared: addresses and company names without case."""
    value = " ".join(value.split())
    return value.lower() if kind in (TeamRule.Kind.MAILBOX, TeamRule.Kind.COMPANY) else value


def team_save(*, by_user: User | AnonymousUser, name: str, description: str = "", team: Team | None = None) -> Team:
    """Create a team (``team`` None) or rename it; names are unique."""
    _require_manager(by_user)
    name = " ".join(name.split())[:100]
    if not name:
        raise TeamError(gettext("A team needs a name."))
    # Compared in Python: SQLite's case-insensitive match folds ASCII only, and teams are few.
    others = Team.objects.exclude(pk=team.pk) if team is not None and team.pk else Team.objects.all()
    if any(other.casefold() == name.casefold() for other in others.values_list("name", flat=True)):
        raise TeamError(gettext("There is already a team “%(name)s”.") % {"name": name})
    with transaction.atomic():
        team = team or Team()
        team.name, team.description = name, description.strip()[:300]
        team.save()
    return team


def team_delete(*, by_user: User | AnonymousUser, team: Team) -> None:
    """Its tickets become unrouted (visible to every agent); its rules go with it."""
    _require_manager(by_user)
    with transaction.atomic():
        audit_record(actor=by_user, action=AuditEntry.Action.ROLE_CHANGE, target=f"team {team.name}",
                     details={"team": team.name, "deleted": True,
                              "members": sorted(team.members.values_list("username", flat=True))})
        team.delete()


def team_set_members(*, by_user: User | AnonymousUser, team: Team, members: Iterable[User]) -> None:
    """Replace the members; only agents (and supervisors) can be members."""
    _require_manager(by_user)
    chosen = {u.pk: u for u in members}
    strangers = [u.get_username() for u in chosen.values() if not is_agent(u)]
    if strangers:
        raise TeamError(gettext("Not agents: %(names)s.") % {"names": ", ".join(sorted(strangers))})
    with transaction.atomic():
        before = set(team.members.values_list("pk", flat=True))
        added, removed = set(chosen) - before, before - set(chosen)
        if not (added or removed):
            return
        team.members.set(list(chosen.values()))
        names = dict(User.objects.filter(pk__in=added | removed).values_list("pk", "username"))
        audit_record(actor=by_user, action=AuditEntry.Action.ROLE_CHANGE, target=f"team {team.name}",
                     details={"team": team.name, "added": sorted(names[p] for p in added),
                              "removed": sorted(names[p] for p in removed)})


def team_rule_add(*, by_user: User | AnonymousUser, team: Team, kind: str, value: str) -> TeamRule:
    """A routing rule at the end of the order. The caller checks that the value names something
    (a product, a brand, a company); one value routes to one team only."""
    _require_manager(by_user)
    if kind not in TeamRule.Kind.values:
        raise TeamError(gettext("Unknown kind of rule “%(kind)s”.") % {"kind": kind})
    value = normalize_rule_value(kind, value)[:254]
    if not value:
        raise TeamError(gettext("A rule needs a value."))
    existing = TeamRule.objects.filter(kind=kind, value=value).select_related("team").first()
    if existing is not None:
        raise TeamError(gettext("“%(value)s” already routes to the team “%(team)s”.") % {
            "value": value, "team": existing.team.name})
    position = (TeamRule.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            return TeamRule.objects.create(team=team, kind=kind, value=value, position=position)
    except IntegrityError as exc:  # the same rule added at the same moment by someone else
        raise TeamError(gettext("“%(value)s” already routes to another team.") % {"value": value}) from exc


def team_rule_delete(*, by_user: User | AnonymousUser, rule: TeamRule) -> None:
    _require_manager(by_user)
    rule.delete()
