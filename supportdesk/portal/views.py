"""Public pages: the contacts and rules page, rendered from the policy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from supportdesk.policy import get_policy
from supportdesk.portal.selectors import (
    MOSCOW,
    download_rows,
    hours_label,
    msk_offset_label,
    open_state,
    utc_offset_label,
)
from supportdesk.replies.timefmt import moment_text


def contacts(request: HttpRequest) -> HttpResponse:
    policy = get_policy()
    now = timezone.now()
    state = open_state(policy, now)
    english = get_language() == "en"
    brands = [(b.name_en or b.name) if english else b.name for b in policy.brands]
    language = "en" if english else "ru"
    opening = state.next_opening
    return render(request, "portal/contacts.html", {
        "state": state,
        # "понедельник, 7 декабря 2026, 09:00 по времени Новосибирска (UTC+7)": one form, zone named
        "opening": moment_text(opening, policy.office.timezone, language) if opening else None,
        "opening_moscow": moment_text(opening, MOSCOW, language) if opening else None,
        "hours_label": hours_label(policy),
        "utc_offset": utc_offset_label(policy.office.timezone, now),
        "msk_offset": msk_offset_label(policy.office.timezone, now, english=english),
        "brand_names": ", ".join(f"«{name}»" for name in brands),
        "city": (policy.office.city_en or policy.office.city) if english else policy.office.city,
        "reply_target": policy.sla.reply_target_business_days,
        "reply_limit": policy.sla.reply_limit_business_days,
    })


def downloads(request: HttpRequest) -> HttpResponse:
    """Rule 8: each product's current version, its notes and the free download link."""
    return render(request, "portal/downloads.html", {"rows": download_rows(english=get_language() == "en")})
