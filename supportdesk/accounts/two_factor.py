"""TOTP two-factor sign-in (django-otp): an agent may enrol an authenticator app; an
administrator must when the policy says so (`security.require_2fa_for_admins`).

Wrong codes are throttled by django-otp itself: each failure doubles the wait before the
device accepts another try (1, 2, 4, ... seconds), so guessing six digits is hopeless."""

from __future__ import annotations

from base64 import b32encode

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from supportdesk.policy import get_policy

DEVICE_NAME = "authenticator"


def is_administrator(user: User | AnonymousUser) -> bool:
    """Who reaches /admin/: superusers and staff."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff))


def confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def enrolment_required(*, user: User) -> bool:
    """An administrator without a confirmed device, under a policy that requires one."""
    return (get_policy().security.require_2fa_for_admins and is_administrator(user)
            and confirmed_device(user=user) is None)


def device_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in: base32 without padding."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_device_start(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed device (a new secret) in place of any earlier unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def code_accepted(*, device: TOTPDevice, code: str) -> bool:
    """Checks a code against the device within django-otp's throttling (a throttled device
    refuses even the right code)."""
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit()) or not device.verify_is_allowed()[0]:
        return False
    return bool(device.verify_token(code))


def totp_device_confirm(*, request: HttpRequest, user: User, code: str) -> bool:
    """Confirms the pending device with a code from the app; this session then counts as
    verified. False for a wrong code, a throttled device or no pending device."""
    device = pending_device(user=user)
    if device is None or not code_accepted(device=device, code=code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def totp_device_remove(*, user: User, code: str) -> bool:
    """Removes the user's devices, proven by a current code from the confirmed one."""
    device = confirmed_device(user=user)
    if device is None or not code_accepted(device=device, code=code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    return True


def session_verified(request: HttpRequest) -> bool:
    """Whether this session passed the code step (django-otp's middleware tells)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def session_verify(*, request: HttpRequest, user: User, code: str) -> bool:
    """The second step of the login: a code from the user's confirmed device."""
    device = confirmed_device(user=user)
    if device is None or not code_accepted(device=device, code=code):
        return False
    otp_login(request, device)
    return True


def seconds_until_allowed(*, user: User) -> int | None:
    """While the device refuses tries after wrong codes: how long still, else None."""
    device = confirmed_device(user=user) or pending_device(user=user)
    if device is None:
        return None
    allowed, data = device.verify_is_allowed()
    if allowed or not data or data.get("locked_until") is None:
        return None
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
