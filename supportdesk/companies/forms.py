"""Forms of the company pages: input parsing only, no writes."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.customers.companies import CompanyData

_SPLIT = re.compile(r"[\s,;]+")


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    domains = forms.CharField(label=_("Mail domains"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One a line, e.g. tv-sibir.ru. New senders from these domains "
                                          "join the company; public mail services (gmail.com, mail.ru, "
                                          "yandex.ru…) cannot be added."))
    contract_tier = forms.CharField(label=_("Contract tier"), required=False, max_length=40,
                                    help_text=_("Empty: the default tier. Set by supervisors."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=20_000,
                            widget=forms.Textarea(attrs={"rows": 5}))

    def data_object(self) -> CompanyData:
        d = self.cleaned_data
        return CompanyData(name=d["name"], contract_tier=d["contract_tier"], notes=d["notes"],
                           domains=tuple(x for x in _SPLIT.split(d["domains"]) if x))


class ContactForm(forms.Form):
    contact = forms.CharField(label=_("E-mail address or phone number"), max_length=254)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)


class MergeForm(forms.Form):
    target = forms.CharField(label=_("Merge into the company"), max_length=200)


class CustomerCompanyForm(forms.Form):
    company = forms.CharField(label=_("Company"), required=False, max_length=200)
    ticket = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
