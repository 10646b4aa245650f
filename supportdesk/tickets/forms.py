"""Forms of the agent pages: input parsing only, no writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Team
from supportdesk.accounts.roles import AGENTS, SUPERVISORS
from supportdesk.catalog.models import Product, Release
from supportdesk.lib.params import parse_positive_int
from supportdesk.tickets.bulk import ACTIONS, BULK_STATUSES, MAX_ROWS
from supportdesk.tickets.models import CHECKLIST_ITEMS, Attachment, Channel, Priority, Status
from supportdesk.tickets.selectors import SORTS, TAGS_LIMIT, VIEWS, QueueFilters
from supportdesk.tickets.tags import TAG_MAX, BadTag, normalize_tag, split_tags

# The queue's query keys a saved view keeps (never the page position).
FILTER_KEYS = ("view", "q", "product", "status", "channel", "priority", "incomplete", "unreachable", "tag", "sort")


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(choices=[(v, v) for v in VIEWS], required=False)
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    product = forms.ModelChoiceField(Product.objects.all(), required=False, label=_("Product"),
                                     empty_label=_("any product"))
    status = forms.ChoiceField(choices=[("", _("any status"))] + list(Status.choices), required=False,
                               label=_("Status"))
    channel = forms.ChoiceField(choices=[("", _("any channel"))] + list(Channel.choices), required=False,
                                label=_("Channel"))
    priority = forms.ChoiceField(choices=[("", _("any priority"))] + list(Priority.choices), required=False,
                                 label=_("Priority"))
    # A team's id, or "none" for the unrouted tickets.
    team = forms.CharField(required=False, max_length=20, label=_("Team"))
    incomplete = forms.BooleanField(required=False, label=_("checklist incomplete"))
    unreachable = forms.BooleanField(required=False, label=_("unreachable by e-mail"))
    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False, label=_("Order"))

    def filters(self) -> QueueFilters:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        product = data.get("product")
        return QueueFilters(view=data.get("view") or "open", product=product.pk if product else None,
                            status=data.get("status") or "", channel=data.get("channel") or "",
                            priority=data.get("priority") or "", team=_team_filter(data.get("team") or ""),
                            checklist_incomplete=bool(data.get("incomplete")),
                            unreachable=bool(data.get("unreachable")), q=(data.get("q") or "").strip(),
                            tags=self.tags(), sort=data.get("sort") or "due")

    def tags(self) -> tuple[str, ...]:
        """The ``tag`` parameters, normalised; a name no tag can have is kept as typed (it then
        matches nothing, as a tag nobody uses)."""
        raw = self.data.getlist("tag") if isinstance(self.data, QueryDict) else []
        names: list[str] = []
        for value in raw[:TAGS_LIMIT]:
            try:
                name = normalize_tag(value)
            except BadTag:
                name = str(value)[:TAG_MAX]
            if name and name not in names:
                names.append(name)
        return tuple(names)


def filter_query(data: QueryDict) -> str:
    """The queue's filter and sort as a normalised query string (known keys, no empty values,
    tags in their stored spelling)."""
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        values = [v for v in data.getlist(key) if v.strip()]
        if key == "tag":
            values = list(QueueFilterForm(data).tags())
        if key == "view" and values == ["open"] or key == "sort" and values == ["due"]:
            continue  # the defaults
        if values:
            kept.setlist(key, values[:TAGS_LIMIT])
    return kept.urlencode()


def filters_from_query(query: str) -> QueueFilters:
    return QueueFilterForm(QueryDict(query)).filters()


class TagForm(forms.Form):
    """Tags to add (comma-separated in the box, or one picked from the suggestions)."""

    tag = forms.CharField(required=False, max_length=500, label=_("Tags"))
    pick = forms.CharField(required=False, max_length=TAG_MAX)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            typed = data.get("tag") or ""
            pick = data.get("pick") or ""
            # A picked suggestion completes the last name typed.
            names = split_tags(typed.rsplit(",", 1)[0] if "," in typed else "") + split_tags(pick) if pick \
                else split_tags(typed)
        except BadTag as exc:
            raise forms.ValidationError({"tag": str(exc)}) from exc
        if not names:
            raise forms.ValidationError({"tag": _("Type a tag.")})
        data["names"] = names
        return data


class TagNameForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("New name"))

    def clean_name(self) -> str:
        try:
            return normalize_tag(self.cleaned_data["name"])
        except BadTag as exc:
            raise forms.ValidationError(str(exc)) from exc


class TagMergeForm(forms.Form):
    into = forms.CharField(max_length=200, label=_("Merge into tag"))

    def clean_into(self) -> str:
        try:
            return normalize_tag(self.cleaned_data["into"])
        except BadTag as exc:
            raise forms.ValidationError(str(exc)) from exc


def field_errors(form: forms.Form) -> list[str]:
    """Each error with the label of its field, so the agent knows which field and why."""
    out = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        out += [f"{label}: {e}" if label else str(e) for e in errors]
    return out


class SeenMixin(forms.Form):
    # The newest conversation entry the page showed (tickets.selectors.ticket_latest_entry).
    seen = forms.IntegerField(required=False, min_value=0, max_value=2**62, widget=forms.HiddenInput)


def _team_filter(raw: str) -> int | None:
    """None: any team; 0: unrouted; else a team id (anything else reads as "any team")."""
    if raw == "none":
        return 0
    return int(raw) if raw.isdigit() and 0 < len(raw) < 10 else None


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=100_000, strip=True)
    # Time spent on this reply or note; a day of work at most in one entry.
    minutes = forms.IntegerField(required=False, min_value=1, max_value=1440, label=_("Time spent, minutes"))


class ComposeForm(SeenMixin, TextForm):
    pass


class AttachForm(forms.Form):
    """Files of the ticket sent again (their ids); uploads come with the request's FILES."""

    reuse = forms.ModelMultipleChoiceField(Attachment.objects.all(), required=False, label=_("Files of this ticket"))


class NoteForm(TextForm, AttachForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000, strip=True, required=False)


class ForwardForm(AttachForm):
    to = forms.CharField(max_length=4000, label=_("Forward to"))
    text = forms.CharField(required=False, max_length=100_000, label=_("Comment"))
    message = forms.IntegerField(required=False, min_value=1, label=_("Message"))
    with_files = forms.BooleanField(required=False, label=_("with its files"))


def agents(*, team: Team | None = None) -> QuerySet:
    """Active agents; with ``team``, those who can see its tickets (its members, supervisors)."""
    users = get_user_model()
    qs = users.objects.filter(is_active=True).filter(Q(groups__name__in=(AGENTS, SUPERVISORS)) | Q(is_superuser=True))
    if team is not None:
        qs = qs.filter(Q(support_teams=team) | Q(groups__name=SUPERVISORS) | Q(is_superuser=True))
    return qs.distinct().order_by("username")


def agent_choices(*, team: Team | None = None) -> list[tuple[int, str]]:
    """``agents`` as (id, full name or login name) pairs for a select, read as columns."""
    return [(pk, f"{first} {last}".strip() or username)  # User.get_full_name() or get_username()
            for pk, first, last, username in agents(team=team).values_list("pk", "first_name", "last_name", "username")]


class TeamForm(forms.Form):
    team = forms.ModelChoiceField(Team.objects.all(), required=False, label=_("Team"), empty_label=_("unrouted"))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False,
                                      label=_("Assignee"), empty_label=_("nobody"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=200, label=_("Reason"))


class StatusForm(SeenMixin, ReasonForm):
    status = forms.ChoiceField(choices=[(Status.OPEN, Status.OPEN.label), (Status.SOLVED, Status.SOLVED.label),
                                        (Status.CLOSED, Status.CLOSED.label)])


class ContactsForm(forms.Form):
    email = forms.EmailField(required=False, max_length=254, label=_("E-mail"))
    phone = forms.CharField(required=False, max_length=40, label=_("Phone"))
    phone_id = forms.IntegerField(required=False, min_value=1)


class WaitReleaseForm(forms.Form):
    release = forms.ModelChoiceField(Release.objects.filter(status=Release.Status.PLANNED), label=_("Release"))


class ProductForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.all(), required=False, label=_("Product"),
                                     empty_label="—")
    version = forms.CharField(required=False, max_length=40, label=_("Version"))


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices, label=_("Priority"))


class MergeForm(forms.Form):
    target = forms.IntegerField(min_value=1, label=_("Merge into ticket number"))


class ChecklistForm(forms.Form):
    item = forms.ChoiceField(choices=[(k, k) for k in CHECKLIST_ITEMS])
    present = forms.TypedChoiceField(choices=[("1", "yes"), ("0", "no")], coerce=lambda v: v == "1")


class BulkForm(forms.Form):
    """The queue's bulk bar: the ticked rows (``ticket``, repeated) and one action's fields."""

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], label=_("Action"))
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False,
                                      label=_("Assignee"), empty_label=_("nobody"))
    status = forms.ChoiceField(choices=[("", "—")] + [(s, s) for s in BULK_STATUSES], required=False,
                               label=_("Status"))
    priority = forms.ChoiceField(choices=[("", "—")] + list(Priority.choices), required=False, label=_("Priority"))
    reason = forms.CharField(required=False, max_length=200, label=_("Reason"))
    # Not "confirm": that is the merge's confirmation step (lib/confirm), which this must not skip.
    unanswered = forms.BooleanField(required=False, label=_("also unanswered"))
    tag = forms.CharField(required=False, max_length=500, label=_("Tags"))
    target = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, label=_("Merge into ticket number"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = self.data.getlist("ticket") if isinstance(self.data, QueryDict) else []
        pks: list[int] = []
        for value in raw[:MAX_ROWS + 1]:
            try:
                pks.append(parse_positive_int(value, maximum=2**31 - 1))
            except ValueError:
                self.add_error(None, _("“%(value)s” is not a ticket number.") % {"value": str(value)[:20]})
                return data
        if not pks:
            self.add_error(None, _("Select at least one ticket (x or a click on its box)."))
        elif len(pks) > MAX_ROWS:
            self.add_error(None, _("At most %(n)s tickets at once.") % {"n": MAX_ROWS})
        data["pks"] = pks
        action = data.get("action")
        if action == "status" and not data.get("status"):
            self.add_error("status", _("Choose the status to set."))
        if action == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose the priority to set."))
        if action in ("tag", "untag"):
            try:
                data["names"] = split_tags(data.get("tag") or "")
            except BadTag as exc:
                self.add_error("tag", str(exc))
            else:
                if not data["names"]:
                    self.add_error("tag", _("Type a tag."))
        return data
