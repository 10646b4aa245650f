"""The supervisor's release page: planned releases with the tickets waiting on them, and publishing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.accounts.roles import is_supervisor
from supportdesk.catalog.models import Release
from supportdesk.lib.confirm import confirm_page, is_confirmed
from supportdesk.releases.services import ReleaseAlreadyPublished, release_publish
from supportdesk.tickets.models import Status
from supportdesk.tickets.services import ConfirmationRequired


@agent_required
def release_list(request: AgentRequest) -> HttpResponse:
    releases = (Release.objects.select_related("product")
                .annotate(waiting=Count("waiting_tickets", filter=Q(waiting_tickets__status=Status.WAITING_RELEASE)))
                .order_by("status", "product__name", "-version_key"))
    return render(request, "releases/list.html", {"releases": releases, "can_publish": is_supervisor(request.user)})


@require_POST
@agent_required
def release_publish_view(request: AgentRequest, pk: int) -> HttpResponse:
    if not is_supervisor(request.user):
        raise PermissionDenied("supervisors only")
    release = get_object_or_404(Release, pk=pk)
    try:
        reopened = release_publish(release=release, by_user=request.user,  # type: ignore[arg-type]
                                   confirmed=is_confirmed(request))
    except ConfirmationRequired as exc:
        return confirm_page(request, question=exc.question, button=_("Publish and notify"),
                            cancel_url=reverse("releases:list"))
    except ReleaseAlreadyPublished:
        messages.warning(request, _("This release is already published."))
    else:
        messages.success(request, _("Published %(release)s; %(count)d waiting tickets reopened and notified.")
                         % {"release": release, "count": len(reopened)})
    return redirect("releases:list")
