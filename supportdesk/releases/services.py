"""Publishing a release closes the loop of rule 7 and rule 8: every ticket waiting on
it reopens and its customer gets the news with the free download link."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from supportdesk.accounts.roles import has_perm
from supportdesk.catalog.models import Product, Release
from supportdesk.policy import get_policy
from supportdesk.releases.signals import release_published
from supportdesk.replies.mailer import send_ticket_mail, ticket_mail_context
from supportdesk.replies.rendering import mail_language, render_mail
from supportdesk.tickets import services as tickets
from supportdesk.tickets.models import Status, Ticket
from supportdesk.tickets.services import ConfirmationRequired


class ReleaseAlreadyPublished(ValueError):
    pass


class ReleaseExists(ValueError):
    pass


def release_create(*, product: Product, version: str, by_user: User, planned_for: date | None = None,
                   notes: str = "", notes_en: str = "", download_url: str = "") -> Release:
    """A planned release of ``product`` (supervisors and administrators); published later by
    ``release_publish``. ReleaseExists for a version the product already has."""
    if not has_perm(by_user, "releases.publish"):
        raise PermissionDenied("supervisors only")
    version = version.strip()[:40]
    if not version:
        raise ValueError(gettext("A release needs a version."))
    with transaction.atomic():
        if Release.objects.filter(product=product, version=version).exists():
            raise ReleaseExists(gettext("%(product)s %(version)s already exists.")
                                % {"product": product.name, "version": version})
        return Release.objects.create(product=product, version=version, planned_for=planned_for, notes=notes,
                                      notes_en=notes_en, download_url=download_url)


def release_download_url(release: Release) -> str:
    return release.download_url or release.product.download_url or get_policy().support.site


def _notify(ticket: Ticket, release: Release) -> None:
    """The news, through the common mailer (daily limit, own addresses, threading): part of
    the conversation, but not an answer, so the reply clock keeps running."""
    language = mail_language(ticket.language)
    context = {
        **ticket_mail_context(ticket, language), "release": release, "product": release.product,
        "download_url": release_download_url(release),
        "notes": (release.notes_en or release.notes) if language == "en" else release.notes,
    }
    send_ticket_mail(ticket=ticket, kind="release", mail=render_mail("release", language=language, context=context),
                     automatic=True, auto_submitted="auto-generated", event_data={"release": release.pk})


def _mailed(ticket: Ticket) -> bool:
    return bool(ticket.contact_email) and not ticket.unreachable_by_email


def release_publish(*, release: Release, by_user: User | None, confirmed: bool = False) -> list[Ticket]:
    """Publish ``release``; reopen and notify every ticket waiting on it. One transaction.

    Returns the reopened tickets. A customer without an e-mail address (a phone-only
    ticket) is reopened but not mailed: the agent sees it in the queue and calls.
    Unless ``confirmed``, raises ConfirmationRequired naming how many customers will be mailed.
    """
    with transaction.atomic():
        release = Release.objects.select_for_update().select_related("product").get(pk=release.pk)
        if release.status == Release.Status.PUBLISHED:
            raise ReleaseAlreadyPublished(f"{release} is already published")
        waiting = list(Ticket.objects.select_for_update()
                       .filter(waiting_release=release, status=Status.WAITING_RELEASE).order_by("pk"))
        if not confirmed:
            mailed = len({t.contact_email for t in waiting if _mailed(t)})
            raise ConfirmationRequired(
                ngettext("Publish %(release)s? %(tickets)s waiting tickets reopen and %(n)s customer is mailed "
                         "the download link.",
                         "Publish %(release)s? %(tickets)s waiting tickets reopen and %(n)s customers are mailed "
                         "the download link.", mailed)
                % {"release": release, "tickets": len(waiting), "n": mailed})
        release.status = Release.Status.PUBLISHED
        release.published_at = timezone.now()
        release.save(update_fields=["status", "published_at", "version_key"])
        reopened = []
        for ticket in waiting:
            ticket = tickets.ticket_set_status(ticket=ticket, status=Status.OPEN, by_user=by_user,
                                               reason=f"release {release.version} published")
            if _mailed(ticket):
                _notify(ticket, release)
            reopened.append(ticket)
        release_published.send(sender=Release, release=release, reopened=reopened, by_user=by_user)
    return reopened
