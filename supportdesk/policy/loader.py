"""Load and validate the policy file (TOML).

Validation is strict: an unknown key, a wrong type, a bad time, an unknown zone or
channel raises ``PolicyError`` naming the file, the dotted key and the reason.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supportdesk.lib.phones import BadPhoneNumber, normalize_phone
from supportdesk.policy.model import (
    CHANNELS,
    OFFICE_CALENDAR,
    PRIORITIES,
    REQUEST_ITEM_KEYS,
    ROUND_THE_CLOCK,
    WEEKDAYS,
    Attachments,
    Automation,
    Brand,
    CalendarConfig,
    Channels,
    EmailContact,
    Office,
    PhoneContact,
    Policy,
    PriorityRules,
    PriorityWords,
    Privacy,
    Product,
    RequestItem,
    Security,
    SlaConfig,
    SlaPolicy,
    SupportInfo,
)

DEFAULT_POLICY_FILE = Path(__file__).with_name("default_policy.toml")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PolicyError(ValueError):
    def __init__(self, source: str, key: str, reason: str) -> None:
        super().__init__(f"policy file {source}: key '{key}': {reason}")
        self.source = source
        self.key = key
        self.reason = reason


class _Reader:
    """Reads one TOML table, remembering which keys were used so leftovers are errors."""

    def __init__(self, source: str, table: Any, path: str) -> None:
        if not isinstance(table, dict):
            raise PolicyError(source, path, "must be a table")
        self.source, self.table, self.path = source, table, path
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, reason: str) -> PolicyError:
        return PolicyError(self.source, self.key(name), reason)

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        self.used.add(name)
        if name not in self.table:
            if default is ...:
                raise self.fail(name, "is required")
            return default
        value = self.table[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(name, f"must be {names}, not {type(value).__name__}")
        return value

    def sub(self, name: str, default: Any = ...) -> _Reader:
        return _Reader(self.source, self.get(name, dict, default), self.key(name))

    def items(self, name: str) -> list[_Reader]:
        raw = self.get(name, list, [])
        return [_Reader(self.source, entry, f"{self.key(name)}[{i}]") for i, entry in enumerate(raw)]

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.fail(unknown[0], "unknown key")


def _parse_time(r: _Reader, name: str, text: Any) -> time:
    if not isinstance(text, str) or not _TIME_RE.match(text):
        raise r.fail(name, f"bad time {text!r}: expected HH:MM")
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _base_url(r: _Reader) -> str:
    url = r.get("base_url", str, "").strip().rstrip("/")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise r.fail("base_url", f"not an absolute http(s) URL: {url!r}")
    return url


def _support(r: _Reader) -> SupportInfo:
    info = SupportInfo(
        name=_text(r, "name"),
        name_en=r.get("name_en", str, ""),
        company=r.get("company", str, ""),
        company_en=r.get("company_en", str, ""),
        site=r.get("site", str, ""),
        base_url=_base_url(r),
    )
    r.done()
    return info


def _contacts(r: _Reader) -> tuple[tuple[EmailContact, ...], tuple[PhoneContact, ...]]:
    emails = []
    for e in r.items("email"):
        address = e.get("address", str).strip().lower()
        if not _EMAIL_RE.match(address):
            raise e.fail("address", f"not an e-mail address: {address!r}")
        emails.append(EmailContact(address, e.get("purpose", str, "requests"), e.get("preferred", bool, False)))
        e.done()
    phones = []
    for p in r.items("phone"):
        number = p.get("number", str)
        try:
            normalize_phone(number)  # a number a customer can dial as printed ("доб. 5" allowed)
        except BadPhoneNumber as exc:
            raise p.fail("number", f"not a phone number: {number!r}") from exc
        phones.append(PhoneContact(number, p.get("purpose", str, "phone"), p.get("multiline", bool, False)))
        p.done()
    r.done()
    if not emails:
        raise r.fail("email", "at least one support e-mail address is required")
    if not phones:
        raise r.fail("phone", "at least one phone number is required")
    return tuple(emails), tuple(phones)


def _weekly_hours(hr: _Reader) -> dict[int, tuple[time, time] | None]:
    hours: dict[int, tuple[time, time] | None] = {}
    for index, day in enumerate(WEEKDAYS):
        span = hr.get(day, list, [])
        if not span:
            hours[index] = None
            continue
        if len(span) != 2:
            raise hr.fail(day, "expected [\"HH:MM\", \"HH:MM\"] or [] for a day off")
        start, end = _parse_time(hr, day, span[0]), _parse_time(hr, day, span[1])
        if end <= start:
            raise hr.fail(day, f"end {span[1]} is not after start {span[0]}")
        hours[index] = (start, end)
    hr.done()
    return hours


def _office(r: _Reader) -> Office:
    zone_name = r.get("timezone", str)
    try:
        ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise r.fail("timezone", f"unknown time zone {zone_name!r}") from exc
    hours = _weekly_hours(r.sub("hours"))
    office = Office(r.get("city", str, ""), r.get("city_en", str, ""), zone_name, hours)
    r.done()
    if not any(hours.values()):
        raise r.fail("hours", "no working day in the week")
    return office


def _calendar(r: _Reader, base: Path) -> CalendarConfig:
    country = r.get("country", str, "RU")
    if country != "RU":
        raise r.fail("country", f"unsupported country {country!r}: only RU has a production calendar")
    data_file = r.get("data_file", str, "")
    if data_file:
        path = Path(data_file) if Path(data_file).is_absolute() else base / data_file
        if not path.is_file():
            raise r.fail("data_file", f"file not found: {path}")
        data_file = str(path)
    r.done()
    return CalendarConfig(country, data_file)


def _channels(r: _Reader) -> Channels:
    official = tuple(r.get("official", list))
    for ch in official:
        if ch not in CHANNELS:
            raise r.fail("official", f"unknown channel {ch!r}: known channels are {', '.join(CHANNELS)}")
    if not official:
        raise r.fail("official", "at least one official channel is required")
    channels = Channels(official, r.get("web_form", bool, False))
    r.done()
    return channels


def _positive(r: _Reader, name: str, kind: type, default: Any = ..., *, maximum: float) -> Any:
    """A number above zero and at most ``maximum`` (TOML writes nan and inf too; a count of days
    or hours past any sensible bound overflows the clocks at the first mail, not at start-up)."""
    value = r.get(name, kind, default)
    if not math.isfinite(value):
        raise r.fail(name, f"must be a number, not {value}")
    if value <= 0:
        raise r.fail(name, "must be greater than zero")
    if value > maximum:
        raise r.fail(name, f"must be at most {maximum:g}")
    return value


def _text(r: _Reader, name: str, default: Any = ...) -> str:
    """A required name or title: not blank."""
    value = r.get(name, str, default)
    if default is ... and not value.strip():
        raise r.fail(name, "must not be blank")
    if _CONTROL.search(value):
        raise r.fail(name, "must not hold control characters")
    return value  # type: ignore[no-any-return]


def _key(r: _Reader, name: str, what: str) -> str:
    return _slug(r, name, r.get(name, str), what)


# Bounds of the numbers a policy sets: far past any real rule, well inside the clocks' range.
_MAX_HOURS = 24 * 366
_MAX_DAYS = 3660


_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _choice(r: _Reader, name: str, allowed: tuple[str, ...], default: Any = ..., *, what: str = "priority") -> str:
    value = r.get(name, str, default)
    if value and value not in allowed:
        raise r.fail(name, f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")
    return value


def _slug(r: _Reader, name: str, value: Any, what: str) -> str:
    if not isinstance(value, str) or not _KEY_RE.match(value):
        raise r.fail(name, f"not a {what} slug: {value!r} (lower-case letters, digits, - and _)")
    return value


def _tier(r: _Reader, name: str, value: Any) -> str:
    return _slug(r, name, value, "contract tier")


def _sla_calendars(r: _Reader) -> dict[str, dict[int, tuple[time, time] | None]]:
    calendars: dict[str, dict[int, tuple[time, time] | None]] = {}
    for name in list(r.table):
        if name in (OFFICE_CALENDAR, ROUND_THE_CLOCK) or not _KEY_RE.match(name):
            raise r.fail(name, "a calendar name must be a new slug (office and 24/7 are built in)")
        hours = _weekly_hours(r.sub(name))
        if not any(hours.values()):
            raise r.fail(name, "no working day in the week")
        calendars[name] = hours
    r.done()
    return calendars


def _sla_policies(readers: list[_Reader], calendars: set[str]) -> tuple[SlaPolicy, ...]:
    policies: list[SlaPolicy] = []
    seen: dict[str, str] = {}
    for p in readers:
        key = p.get("key", str)
        if not _KEY_RE.match(key) or key == "default":
            raise p.fail("key", f"not a usable key: {key!r} (a slug other than 'default')")
        if key in seen:
            raise p.fail("key", f"duplicate key {key!r}")
        priority = _choice(p, "priority", PRIORITIES, "")
        tier = p.get("tier", str, "")
        if tier:
            _tier(p, "tier", tier)
        if not priority and not tier:
            raise p.fail("priority", "a policy must name a priority, a tier or both (the [sla] keys are the default)")
        target = _positive(p, "reply_target_hours", float, maximum=_MAX_HOURS) * 3600
        limit = _positive(p, "reply_limit_hours", float, maximum=_MAX_HOURS) * 3600
        if limit < target:
            raise p.fail("reply_limit_hours", "the limit is shorter than the target")
        calendar = p.get("calendar", str, OFFICE_CALENDAR)
        if calendar not in calendars:
            raise p.fail("calendar", f"unknown calendar {calendar!r}: known are {', '.join(sorted(calendars))}")
        match = f"{priority}/{tier}"
        if match in seen.values():
            raise p.fail("priority", f"another policy already matches priority {priority or 'any'!r} "
                                     f"and tier {tier or 'any'!r}")
        seen[key] = match
        policies.append(SlaPolicy(key, p.get("name", str, key), p.get("name_en", str, ""), priority, tier,
                                  target, limit, calendar))
        p.done()
    return tuple(policies)


def _sla(r: _Reader) -> SlaConfig:
    calendars = _sla_calendars(r.sub("calendars", {}))
    sla = SlaConfig(
        business_day_hours=_positive(r, "business_day_hours", int, 9, maximum=24),
        reply_target_business_days=_positive(r, "reply_target_business_days", float, 1.0, maximum=366),
        reply_limit_business_days=_positive(r, "reply_limit_business_days", float, 2.0, maximum=366),
        policies=_sla_policies(r.items("policies"), {OFFICE_CALENDAR, ROUND_THE_CLOCK, *calendars}),
        calendars=calendars,
    )
    if sla.reply_limit_business_days < sla.reply_target_business_days:
        raise r.fail("reply_limit_business_days", "the limit is shorter than the target")
    r.done()
    return sla


def normalize_words(text: str) -> str:
    """What priority words are matched against: casefolded, "ё" read as "е", spaces collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


def _priority(r: _Reader) -> PriorityRules:
    default = _choice(r, "default", PRIORITIES, "normal")
    words = []
    for w in r.items("words"):
        priority = _choice(w, "priority", PRIORITIES)
        raw = w.get("words", list)
        if not raw or not all(isinstance(x, str) and x.strip() for x in raw):
            raise w.fail("words", "must be a non-empty list of non-empty strings")
        words.append(PriorityWords(priority, tuple(normalize_words(x) for x in raw)))
        w.done()
    tr = r.sub("tiers", {})
    tiers = {}
    for name in list(tr.table):
        _tier(tr, name, name)
        tiers[name] = _choice(tr, name, PRIORITIES)
    tr.done()
    r.done()
    return PriorityRules(default, tuple(words), tiers)


def _automation(r: _Reader) -> Automation:
    auto = Automation(
        reminder_after_business_days=_positive(r, "reminder_after_business_days", int, 5, maximum=_MAX_DAYS),
        auto_close_after_business_days=_positive(r, "auto_close_after_business_days", int, 10, maximum=_MAX_DAYS),
        auto_mails_per_address_per_day=_positive(r, "auto_mails_per_address_per_day", int, 5, maximum=10_000),
        subject_threading=r.get("subject_threading", bool, True),
        subject_threading_days=_positive(r, "subject_threading_days", int, 14, maximum=_MAX_DAYS),
    )
    r.done()
    return auto


def _privacy(r: _Reader) -> Privacy:
    years = r.get("erase_after_years", int, 0)
    if isinstance(years, bool) or not 0 <= years <= 100:
        raise r.fail("erase_after_years", "must be a whole number of years from 0 (never) to 100")
    r.done()
    return Privacy(erase_after_years=years)


# A working week at most: a longer session outlives the reason it was opened for.
MAX_AGENT_SESSION_HOURS = 168


def _security(r: _Reader) -> Security:
    hours = _positive(r, "agent_session_hours", int, Security.agent_session_hours,
                      maximum=MAX_AGENT_SESSION_HOURS)
    require_2fa = r.get("require_2fa_for_admins", bool, Security.require_2fa_for_admins)
    r.done()
    return Security(agent_session_hours=hours, require_2fa_for_admins=require_2fa)


def _attachments(r: _Reader) -> Attachments:
    limits = Attachments(max_file_mb=_positive(r, "max_file_mb", int, Attachments.max_file_mb, maximum=100_000),
                         max_total_mb=_positive(r, "max_total_mb", int, Attachments.max_total_mb, maximum=100_000))
    if limits.max_total_mb < limits.max_file_mb:
        raise r.fail("max_total_mb", "is smaller than max_file_mb")
    r.done()
    return limits


def _request_items(readers: list[_Reader], top: _Reader) -> tuple[RequestItem, ...]:
    items = []
    for r in readers:
        key = r.get("key", str)
        if key not in REQUEST_ITEM_KEYS:
            raise r.fail("key", f"unknown request item {key!r}: known items are {', '.join(REQUEST_ITEM_KEYS)}")
        items.append(RequestItem(key, _text(r, "title"), r.get("title_en", str, key),
                                 r.get("hint", str, ""), r.get("hint_en", str, "")))
        r.done()
    if sorted(i.key for i in items) != sorted(REQUEST_ITEM_KEYS):
        raise top.fail("request_items", f"must list each of {', '.join(REQUEST_ITEM_KEYS)} once")
    return tuple(items)


def _catalog(top: _Reader) -> tuple[tuple[Brand, ...], tuple[Product, ...], tuple[dict, ...]]:
    brands = []
    for r in top.items("brands"):
        brands.append(Brand(_key(r, "key", "brand"), _text(r, "name"), r.get("name_en", str, "")))
        r.done()
    brand_keys = {b.key for b in brands}
    products, raw = [], []
    for r in top.items("products"):
        brand = r.get("brand", str)
        if brand not in brand_keys:
            raise r.fail("brand", f"unknown brand {brand!r}")
        aliases = r.get("aliases", list, [])
        if not all(isinstance(a, str) and a.strip() for a in aliases):
            raise r.fail("aliases", "must be a list of names, none of them blank")
        products.append(Product(
            key=_key(r, "key", "product"), name=_text(r, "name"), brand=brand, aliases=tuple(aliases),
            version_hint=r.get("version_hint", str, ""), version_hint_en=r.get("version_hint_en", str, ""),
            settings_hint=r.get("settings_hint", str, ""), settings_hint_en=r.get("settings_hint_en", str, ""),
        ))
        raw.append(dict(r.table))
        r.done()
    keys = [p.key for p in products]
    if len(set(keys)) != len(keys):
        raise top.fail("products", "product keys must be unique")
    return tuple(brands), tuple(products), tuple(raw)


def parse_policy(text: str, *, source: str, base_dir: Path | None = None) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, "(syntax)", f"not valid TOML: {exc}") from exc
    top = _Reader(source, data, "")
    base = base_dir or Path.cwd()
    support = _support(top.sub("support"))
    emails, phones = _contacts(top.sub("contacts"))
    office = _office(top.sub("office"))
    calendar = _calendar(top.sub("calendar", {}), base)
    channels = _channels(top.sub("channels"))
    sla = _sla(top.sub("sla", {}))
    automation = _automation(top.sub("automation", {}))
    security = _security(top.sub("security", {}))
    attachments = _attachments(top.sub("attachments", {}))
    priority = _priority(top.sub("priority", {}))
    privacy = _privacy(top.sub("privacy", {}))
    request_items = _request_items(top.items("request_items"), top)
    brands, products, raw_products = _catalog(top)
    top.done()
    return Policy(source, support, emails, phones, office, calendar, channels, sla, automation,
                  request_items, brands, products, raw_products, security=security, priority=priority, privacy=privacy,
                  attachments=attachments)


def load_policy(path: str | Path | None = None) -> Policy:
    file = Path(path) if path else DEFAULT_POLICY_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(str(file), "(file)", f"cannot read: {exc.strerror or exc}") from exc
    return parse_policy(text, source=str(file), base_dir=file.parent)
