"""The "log a call" form: input parsing only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext_lazy as _

from supportdesk.catalog.models import Product
from supportdesk.lib.phones import BadPhoneNumber, normalize_phone
from supportdesk.phone.models import Call
from supportdesk.phone.services import CallLog
from supportdesk.tickets.models import CHECKLIST_ITEMS, Ticket
from supportdesk.tickets.selectors import visible_tickets


class CallForm(forms.Form):
    direction = forms.ChoiceField(choices=Call.Direction.choices, initial=Call.Direction.INCOMING,
                                  label=_("Direction"), widget=forms.RadioSelect)
    number = forms.CharField(max_length=40, label=_("Phone number"))
    name = forms.CharField(max_length=200, required=False, label=_("Caller's name"))
    ticket = forms.IntegerField(min_value=1, required=False, label=_("Add to ticket number"),
                                help_text=_("Empty: a new ticket is created."))
    subject = forms.CharField(max_length=300, required=False, label=_("Subject of a new ticket"))
    product = forms.ModelChoiceField(Product.objects.all(), required=False, label=_("Product"), empty_label="—")
    version = forms.CharField(max_length=40, required=False, label=_("Version"))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False,
                              label=_("What the customer said"))
    answered = forms.BooleanField(required=False, label=_("The customer got an answer during the call"))
    call = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User | AnonymousUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for item in CHECKLIST_ITEMS:
            self.fields[f"check_{item}"] = forms.BooleanField(required=False, label=item)

    def clean_number(self) -> str:
        number = self.cleaned_data["number"]
        try:
            normalize_phone(number)
        except BadPhoneNumber as exc:
            raise forms.ValidationError(_("Not a phone number: %(n)s") % {"n": number}) from exc
        return number

    def clean_ticket(self) -> Ticket | None:
        pk = self.cleaned_data.get("ticket")
        if not pk:
            return None
        # Another team's ticket is answered as a missing one: the agent may not learn it exists.
        visible = visible_tickets(user=self.user) if self.user is not None else Ticket.objects.none()
        ticket = visible.select_related("customer").filter(pk=pk).first()
        if ticket is None:
            raise forms.ValidationError(_("There is no ticket #%(n)s.") % {"n": pk})
        return ticket

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("ticket") and not (data.get("subject") or data.get("summary")):
            raise forms.ValidationError(_("A new ticket needs a subject or what the customer said."))
        return data

    def call_log(self) -> CallLog:
        d = self.cleaned_data
        return CallLog(direction=d["direction"], number=d["number"], summary=d.get("summary") or "",
                       answered=bool(d.get("answered")), name=d.get("name") or "", subject=d.get("subject") or "",
                       checklist={item: bool(d.get(f"check_{item}")) for item in CHECKLIST_ITEMS},
                       product=d.get("product"), version=d.get("version") or "")
