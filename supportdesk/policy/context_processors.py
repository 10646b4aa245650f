from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from supportdesk.policy import get_policy


def _office_zone_label() -> str:
    """ "Новосибирск, UTC+7": the label next to the times the pages show (office time)."""
    office = get_policy().office
    offset = timezone.now().astimezone(ZoneInfo(office.timezone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    hours, rest = divmod(abs(minutes), 60)
    city = (office.city_en or office.city) if get_language() == "en" else office.city
    return f"{city}, UTC{'+' if minutes >= 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def policy(request: HttpRequest) -> dict:
    return {"policy": get_policy(), "office_zone_label": SimpleLazyObject(_office_zone_label)}
