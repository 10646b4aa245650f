"""The administrator's token page: input parsing only."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.roles import AGENTS, SUPERVISORS
from supportdesk.api.models import DEFAULT_RATE_PER_MINUTE, SCOPES
from supportdesk.api.tokens import MAX_RATE_PER_MINUTE


def token_users() -> QuerySet:
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name__in=(AGENTS, SUPERVISORS))).distinct()
            .order_by("username"))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Integration"),
                           help_text=_("Who uses the token: “CRM”, “bug tracker”, “nightly script”."))
    user = forms.ModelChoiceField(queryset=token_users(), label=_("Acts as"), to_field_name="username",
                                  help_text=_("The token sees and does what this user may (their teams)."))
    scopes = forms.MultipleChoiceField(choices=[(s, s) for s in SCOPES], widget=forms.CheckboxSelectMultiple,
                                       label=_("Scopes"))
    rate_per_minute = forms.IntegerField(min_value=1, max_value=MAX_RATE_PER_MINUTE, initial=DEFAULT_RATE_PER_MINUTE,
                                         label=_("Requests per minute"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].queryset = token_users()  # type: ignore[attr-defined]
