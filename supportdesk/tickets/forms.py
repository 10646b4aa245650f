"""Forms of the agent pages: input parsing only, no writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.roles import AGENTS, SUPERVISORS
from supportdesk.catalog.models import Product, Release
from supportdesk.tickets.models import CHECKLIST_ITEMS, Attachment, CannedResponse, Channel, Priority, Status
from supportdesk.tickets.selectors import VIEWS, QueueFilters


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
    incomplete = forms.BooleanField(required=False, label=_("checklist incomplete"))
    unreachable = forms.BooleanField(required=False, label=_("unreachable by e-mail"))

    def filters(self) -> QueueFilters:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        product = data.get("product")
        return QueueFilters(view=data.get("view") or "open", product=product.pk if product else None,
                            status=data.get("status") or "", channel=data.get("channel") or "",
                            priority=data.get("priority") or "",
                            checklist_incomplete=bool(data.get("incomplete")),
                            unreachable=bool(data.get("unreachable")), q=(data.get("q") or "").strip())


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=100_000, strip=True)


class AttachForm(forms.Form):
    """Files of the ticket sent again (their ids); uploads come with the request's FILES."""

    reuse = forms.ModelMultipleChoiceField(Attachment.objects.all(), required=False, label=_("Files of this ticket"))


class ReplyForm(TextForm, AttachForm):
    canned = forms.ModelChoiceField(CannedResponse.objects.all(), required=False)
    to = forms.CharField(required=False, max_length=4000, label=_("To"))
    cc = forms.CharField(required=False, max_length=4000, label=_("Cc"))


class NoteForm(AttachForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000, strip=True, required=False)


class ForwardForm(AttachForm):
    to = forms.CharField(max_length=4000, label=_("Forward to"))
    text = forms.CharField(required=False, max_length=100_000, label=_("Comment"))
    message = forms.IntegerField(required=False, min_value=1, label=_("Message"))
    with_files = forms.BooleanField(required=False, label=_("with its files"))


def agents() -> QuerySet:
    users = get_user_model()
    return (users.objects.filter(is_active=True)
            .filter(Q(groups__name__in=(AGENTS, SUPERVISORS)) | Q(is_superuser=True))
            .distinct().order_by("username"))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False,
                                      label=_("Assignee"), empty_label=_("nobody"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=200, label=_("Reason"))


class StatusForm(ReasonForm):
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
