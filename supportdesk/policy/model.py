"""The policy as typed, immutable values (what the rest of SupportDesk reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNELS = ("email", "phone", "web")
REQUEST_ITEM_KEYS = ("description", "steps", "version", "settings")
# Ticket priorities, lowest first; "urgent" is an on-air incident.
PRIORITIES = ("low", "normal", "high", "urgent")
# The calendars every SLA policy may name without defining them.
OFFICE_CALENDAR = "office"
ROUND_THE_CLOCK = "24/7"
DEFAULT_SLA_KEY = "default"


@dataclass(frozen=True)
class SupportInfo:
    name: str
    name_en: str
    company: str
    company_en: str
    site: str
    base_url: str


@dataclass(frozen=True)
class EmailContact:
    address: str
    purpose: str
    preferred: bool = False


@dataclass(frozen=True)
class PhoneContact:
    number: str
    purpose: str
    multiline: bool = False

    @property
    def tel_uri(self) -> str:
        digits = "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
        return f"tel:{digits}"


@dataclass(frozen=True)
class Office:
    city: str
    city_en: str
    timezone: str
    # weekday (0 = Monday) -> (open, close), or None for a day off
    hours: dict[int, tuple[time, time] | None]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class CalendarConfig:
    country: str
    data_file: str


@dataclass(frozen=True)
class Channels:
    official: tuple[str, ...]
    web_form: bool

    @property
    def accepted(self) -> tuple[str, ...]:
        """Channels that may create a ticket (the web form only when enabled)."""
        return self.official + (("web",) if self.web_form and "web" not in self.official else ())


@dataclass(frozen=True)
class SlaPolicy:
    """Reply target and limit for the tickets it matches, counted on its calendar.

    ``priority`` and ``tier`` empty match any; the most specific match wins (both, then the
    tier, then the priority), and within one specificity the first in the file."""

    key: str
    name: str
    name_en: str
    priority: str
    tier: str
    reply_target_seconds: float
    reply_limit_seconds: float
    calendar: str = OFFICE_CALENDAR

    def matches(self, priority: str, tier: str) -> bool:
        return (not self.priority or self.priority == priority) and (not self.tier or self.tier == tier)

    @property
    def specificity(self) -> int:
        return (2 if self.tier else 0) + (1 if self.priority else 0)


@dataclass(frozen=True)
class SlaConfig:
    business_day_hours: int
    reply_target_business_days: float
    reply_limit_business_days: float
    policies: tuple[SlaPolicy, ...] = ()
    # Named weekly hours (on the production calendar) besides "office" and "24/7".
    calendars: dict[str, dict[int, tuple[time, time] | None]] = field(default_factory=dict)

    @property
    def reply_target_seconds(self) -> float:
        return self.reply_target_business_days * self.business_day_hours * 3600

    @property
    def reply_limit_seconds(self) -> float:
        return self.reply_limit_business_days * self.business_day_hours * 3600

    @property
    def default_policy(self) -> SlaPolicy:
        return SlaPolicy(DEFAULT_SLA_KEY, "", "", "", "", self.reply_target_seconds, self.reply_limit_seconds)

    def policy_for(self, *, priority: str, tier: str) -> SlaPolicy:
        """The SLA policy of a ticket of this priority from a company of this contract tier."""
        best: SlaPolicy | None = None
        for candidate in self.policies:
            if candidate.matches(priority, tier) and (best is None or candidate.specificity > best.specificity):
                best = candidate
        return best or self.default_policy


@dataclass(frozen=True)
class PriorityWords:
    priority: str
    # Casefolded, "ё" as "е": each matches at the start of a word, so a stem catches its endings.
    words: tuple[str, ...]


@dataclass(frozen=True)
class PriorityRules:
    """How intake sets a new ticket's priority: the default, raised by words in the request and
    by the company's contract tier (a rule never lowers a priority)."""

    default: str = "normal"
    words: tuple[PriorityWords, ...] = ()
    tiers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Automation:
    reminder_after_business_days: int
    auto_close_after_business_days: int
    auto_mails_per_address_per_day: int
    subject_threading: bool
    subject_threading_days: int


@dataclass(frozen=True)
class Privacy:
    # 152-FZ retention: erase the personal data of customers whose tickets were all closed more
    # than this many years ago (a daily job); 0 keeps it until erased on request.
    erase_after_years: int = 0


@dataclass(frozen=True)
class Security:
    # How long a signed-in agent (or administrator) stays signed in, from the login on.
    agent_session_hours: int = 12
    # Administrators (superusers, staff) must sign in with a TOTP code: one without a device
    # is sent to enrol one before any other page.
    require_2fa_for_admins: bool = False


@dataclass(frozen=True)
class RequestItem:
    key: str
    title: str
    title_en: str
    hint: str
    hint_en: str


@dataclass(frozen=True)
class Brand:
    key: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Product:
    key: str
    name: str
    brand: str
    aliases: tuple[str, ...] = ()
    version_hint: str = ""
    version_hint_en: str = ""
    settings_hint: str = ""
    settings_hint_en: str = ""


@dataclass(frozen=True)
class Policy:
    source: str
    support: SupportInfo
    emails: tuple[EmailContact, ...]
    phones: tuple[PhoneContact, ...]
    office: Office
    calendar: CalendarConfig
    channels: Channels
    sla: SlaConfig
    automation: Automation
    request_items: tuple[RequestItem, ...]
    brands: tuple[Brand, ...]
    products: tuple[Product, ...]
    raw_products: tuple[dict, ...] = field(default=(), repr=False, compare=False)
    security: Security = Security()
    priority: PriorityRules = PriorityRules()
    privacy: Privacy = Privacy()

    @property
    def support_email(self) -> str:
        preferred = [e for e in self.emails if e.preferred]
        return (preferred or list(self.emails))[0].address

    @property
    def main_phone(self) -> PhoneContact:
        return self.phones[0]

    def product(self, key: str) -> Product | None:
        return next((p for p in self.products if p.key == key), None)

    def request_item(self, key: str) -> RequestItem:
        return next(i for i in self.request_items if i.key == key)
