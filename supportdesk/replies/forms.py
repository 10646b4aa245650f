"""Forms of the reply box, the canned-answer pages and the signature page: input parsing only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.catalog.models import Product
from supportdesk.replies.models import CannedResponse, Signature
from supportdesk.replies.placeholders import PLACEHOLDERS
from supportdesk.tickets.forms import TextForm, agents


class ReplyForm(TextForm):
    # Which personal answers a user may use is checked by the service, not here.
    canned = forms.ModelChoiceField(CannedResponse.objects.all(), required=False)


class MacroApplyForm(forms.Form):
    macro = forms.ModelChoiceField(CannedResponse.objects.all(), label=_("Macro"),
                                   error_messages={"invalid_choice": _("This macro no longer exists.")})
    text = forms.CharField(required=False, max_length=100_000, strip=True, label=_("Reply"))
    reason = forms.CharField(required=False, max_length=200, label=_("Reason"))
    minutes = forms.IntegerField(required=False, min_value=1, max_value=1440, label=_("Time spent, minutes"))


def placeholder_help() -> str:
    return str(_("Placeholders: %(list)s.")) % {
        "list": "; ".join(f"{{{name}}} — {label}" for name, label in PLACEHOLDERS.items())}


class CannedForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ["title", "body", "body_en", "set_status", "assign", "assignee", "set_product"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), "body_en": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.get_full_name() or u.get_username())
        self.fields["set_product"].queryset = Product.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["body"].help_text = placeholder_help()
        self.fields["set_status"].help_text = _("With an action (status, assignee, product) the answer is a macro: "
                                                "applied in one click from the reply box.")


class SignatureForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = ["text", "text_en", "in_automatic"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "text_en": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = placeholder_help()
        if self.instance.scope == Signature.Scope.AGENT:
            del self.fields["in_automatic"]
        else:
            self.fields["in_automatic"].help_text = _(
                "Acknowledgments, reminders and closing notices get this signature instead of the team's name. "
                "Leave it off when the signature speaks for a person (a name, a direct phone).")
