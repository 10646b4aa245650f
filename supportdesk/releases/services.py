"""Publishing a release closes the loop of rule 7 and rule 8: every ticket waiting on
it reopens and its customer gets the news with the free download link."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from supportdesk.catalog.models import Release
from supportdesk.outbox.compose import build_message
from supportdesk.outbox.services import outbox_enqueue
from supportdesk.policy import get_policy
from supportdesk.tickets import services as tickets
from supportdesk.tickets.models import Message, Status, Ticket
from supportdesk.tickets.services import ConfirmationRequired


class ReleaseAlreadyPublished(ValueError):
    pass


def release_download_url(release: Release) -> str:
    return release.download_url or release.product.download_url or get_policy().support.site


def _notify(ticket: Ticket, release: Release) -> None:
    policy = get_policy()
    language = ticket.language if ticket.language in ("ru", "en") else "ru"
    with translation.override(language):
        context = {
            "ticket": ticket, "release": release, "download_url": release_download_url(release),
            "notes": (release.notes_en or release.notes) if language == "en" else release.notes,
            "policy": policy,
        }
        subject = render_to_string("releases/mail_subject.txt", context).strip()
        text = render_to_string("releases/mail_body.txt", context)
    last_id = (Message.objects.filter(ticket=ticket).exclude(message_id="")
               .order_by("-created_at", "-id").values_list("message_id", flat=True).first())
    support = policy.support_email
    message_id, raw = build_message(
        from_addr=support, from_name=policy.support.name_en if language == "en" else policy.support.name,
        to=[ticket.contact_email], subject=subject, text=text, in_reply_to=last_id, automatic=True,
        language=language)
    mail = outbox_enqueue(kind="release", ref=f"ticket:{ticket.pk}", from_addr=support,
                          to_addrs=[ticket.contact_email], subject=subject, raw=raw, message_id=message_id,
                          is_automatic=True)
    # The news is part of the conversation, but it is not an answer: the reply clock keeps running.
    tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, channel="email", subject=subject,
                               body_text=text, from_addr=support, to_addrs=ticket.contact_email,
                               is_automatic=True, answers_customer=False, message_id=message_id,
                               in_reply_to=last_id or "", outgoing_id=mail.pk,
                               event_data={"release": release.pk})


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
    return reopened
