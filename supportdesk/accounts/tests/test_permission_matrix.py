"""The permission matrix (issue 17 item 7): every URL, by GET and by POST, as anonymous, an agent of
team A, an agent of team B, a supervisor and an administrator.

Team A's ticket, its attachment, its raw mail and its call are 404 for team B's agent, exactly
like a missing object; supervisors and administrators reach everything; the supervisors' pages are
403 for agents; a new URL fails ``test_every_url_is_in_the_matrix`` until it is given a row.
Every request runs in a savepoint that is rolled back, so one request's writes (a merge, a
deleted team) never change what the next one sees.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from supportdesk.accounts.models import Team, TeamRule
from supportdesk.accounts.roles import ensure_groups
from supportdesk.catalog.models import Release
from supportdesk.kb.models import Article
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.phone.services import CallLog, call_log, integration_create
from supportdesk.portal.services import access_link_issue
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.tickets import services, services_tags
from supportdesk.tickets.models import Attachment, SavedView, Tag, Ticket
from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription

PERSONAS = ("anonymous", "agent_a", "agent_b", "supervisor", "administrator")
OK = "ok"  # 2xx, or a redirect that is not to the login page
LOGIN = "login"  # a redirect to the login page
ALL_OK = dict.fromkeys(PERSONAS, OK)
AGENTS_OK = {"anonymous": LOGIN, "agent_a": OK, "agent_b": OK, "supervisor": OK, "administrator": OK}
TEAM_A = {"anonymous": LOGIN, "agent_a": OK, "agent_b": 404, "supervisor": OK, "administrator": OK}
SUPERVISORS = {"anonymous": LOGIN, "agent_a": 403, "agent_b": 403, "supervisor": OK, "administrator": OK}
ADMINISTRATORS = {"anonymous": LOGIN, "agent_a": 403, "agent_b": 403, "supervisor": 403, "administrator": OK}
NOBODY = dict.fromkeys(PERSONAS, 405)


def _with(base: dict[str, object], **changes: object) -> dict[str, object]:
    return {**base, **changes}


# Agents' pages check the login first: an anonymous visitor goes to the login page whatever the method.
AGENT_405 = _with(NOBODY, anonymous=LOGIN)
# url name -> (GET, POST) expectations per persona.
MATRIX: dict[str, tuple[dict[str, object], dict[str, object]]] = {
    # Public pages: the same for everyone (their POST renders the page again or checks its own form).
    "portal:contacts": (ALL_OK, ALL_OK),
    "portal:contacts-page": (ALL_OK, ALL_OK),
    "portal:compose": (ALL_OK, ALL_OK),
    "portal:compose-preview": (ALL_OK, ALL_OK),
    "portal:compose-submit": (NOBODY, dict.fromkeys(PERSONAS, 404)),  # the web form is off by default
    "portal:lookup": (ALL_OK, ALL_OK),
    "portal:access": (ALL_OK, ALL_OK),  # a one-time link, for whoever holds it
    # A customer's ticket page needs the link's grant in the session: an agent's login is no grant.
    "portal:ticket": (dict.fromkeys(PERSONAS, 404), dict.fromkeys(PERSONAS, 404)),
    "portal:ticket-add": (NOBODY, dict.fromkeys(PERSONAS, 404)),
    "portal:downloads": (ALL_OK, ALL_OK),
    "kb:list": (ALL_OK, ALL_OK),
    "kb:article": (ALL_OK, ALL_OK),
    "search:search": (AGENTS_OK, AGENTS_OK),
    "releases:list": (AGENTS_OK, AGENTS_OK),
    "releases:publish": (NOBODY, _with(SUPERVISORS, anonymous=LOGIN)),
    "tickets:queue": (AGENTS_OK, AGENT_405),
    "tickets:detail": (TEAM_A, AGENT_405),
    "tickets:attachment": (TEAM_A, TEAM_A),
    "tickets:teams": (SUPERVISORS, AGENT_405),
    "tickets:team": (SUPERVISORS, AGENT_405),
    "phone:popup": (AGENTS_OK, AGENT_405),
    "phone:call_new": (AGENTS_OK, AGENTS_OK),
    "phone:call_to_ticket": (AGENT_405, TEAM_A),
    "mail:held": (AGENTS_OK, AGENT_405),
    "mail:held_list": (AGENTS_OK, AGENT_405),
    "mail:raw": (TEAM_A, AGENT_405),
    "mail:reprocess": (AGENT_405, AGENTS_OK),
    "mail:not_spam": (AGENT_405, AGENTS_OK),
    # The audit log does not admit it exists to anyone but an administrator.
    "audit:log": (_with(ADMINISTRATORS, agent_a=404, agent_b=404, supervisor=404), _with(NOBODY, anonymous=405)),
    "cti:events": (NOBODY, dict.fromkeys(PERSONAS, 403)),  # a bearer token, not a session
    "login": (ALL_OK, ALL_OK),
    # The code step belongs to a login in progress: without one it sends back to the login page.
    "two_factor_verify": (_with(ALL_OK, anonymous=LOGIN), _with(ALL_OK, anonymous=LOGIN)),
    # Enrolment: a POST without its action field is a bad request, never a 500.
    "two_factor_setup": (AGENTS_OK, _with(dict.fromkeys(PERSONAS, 400), anonymous=LOGIN)),
    "logout": (NOBODY, dict.fromkeys(PERSONAS, LOGIN)),  # POST only, then to the login page
    "set_language": (ALL_OK, ALL_OK),
    # The admin site (Django's): staff only, an administrator is a superuser; others go to its login.
    "admin:index": (_with(dict.fromkeys(PERSONAS, LOGIN), administrator=OK),
                    _with(dict.fromkeys(PERSONAS, LOGIN), administrator=OK)),
    "admin:login": (ALL_OK, ALL_OK),
    "admin:logout": (_with(ALL_OK, administrator=405), _with(ALL_OK, administrator=LOGIN)),
}
# Every action on one ticket: POST only, team A's ticket is 404 for team B.
for name in ("tickets:status", "tickets:reopen", "tickets:contacts", "tickets:assign", "tickets:take",
             "tickets:priority", "tickets:team_route", "tickets:product", "tickets:merge", "tickets:checklist",
             "replies:reply", "replies:note", "replies:ask", "replies:wait_release"):
    MATRIX[name] = (AGENT_405, TEAM_A)
# Tags, bulk actions and saved views (issue 17 items 4-6): every agent; a bulk action refuses
# another team's rows one by one ("no such ticket"), so the request itself succeeds.
for name in ("tickets:bulk", "tickets:view_save", "tickets:view_delete"):
    MATRIX[name] = (AGENT_405, AGENTS_OK)
MATRIX["tickets:tags"] = (AGENTS_OK, AGENT_405)
MATRIX["tickets:tag_suggest"] = (AGENTS_OK, AGENT_405)
MATRIX["tickets:tags_add"] = (AGENT_405, TEAM_A)
MATRIX["tickets:tags_remove"] = (AGENT_405, TEAM_A)
MATRIX["tickets:tag_rename"] = (AGENT_405, SUPERVISORS)
MATRIX["tickets:tag_merge"] = (AGENT_405, SUPERVISORS)
# Reports: GET only; an agent's figures are their own (the reports scope them), supervisors see all.
for name in ("reports:index", "reports:monthly", "reports:report", "reports:export_csv", "reports:export_xlsx"):
    MATRIX[name] = (AGENTS_OK, NOBODY)
# Personal data (152-FZ): supervisors only.
MATRIX["privacy:customer"] = (_with(SUPERVISORS, anonymous=LOGIN), NOBODY)
MATRIX["privacy:export"] = (NOBODY, SUPERVISORS)
# Erasing without its confirmation fields is a bad request for those allowed, 403 for agents.
MATRIX["privacy:erase"] = (NOBODY, _with(SUPERVISORS, supervisor=400, administrator=400))
# Canned answers and macros: the picker and a macro act on one ticket (team A's is 404 for B).
MATRIX["replies:canned_pick"] = (TEAM_A, AGENT_405)
MATRIX["replies:macro"] = (AGENT_405, TEAM_A)
MATRIX["replies:canned_list"] = (AGENTS_OK, AGENT_405)
MATRIX["replies:canned_new"] = (AGENTS_OK, AGENTS_OK)
NOT_FOUND = _with(dict.fromkeys(PERSONAS, 404), anonymous=LOGIN)  # no such canned answer
MATRIX["replies:canned_edit"] = (NOT_FOUND, NOT_FOUND)
MATRIX["replies:canned_delete"] = (AGENT_405, NOT_FOUND)
MATRIX["replies:signatures"] = (AGENTS_OK, AGENT_405)
MATRIX["replies:signature_mine"] = (AGENT_405, AGENTS_OK)
MATRIX["replies:signature_default"] = (AGENT_405, SUPERVISORS)
MATRIX["replies:signature_brand"] = (AGENT_405, SUPERVISORS)
# Companies (issue 16 item 3): every agent reads and edits them; merging is the supervisors'.
MATRIX["companies:list"] = (AGENTS_OK, AGENT_405)
MATRIX["companies:new"] = (AGENTS_OK, AGENTS_OK)
MATRIX["companies:detail"] = (AGENTS_OK, AGENT_405)
MATRIX["companies:edit"] = (AGENTS_OK, AGENTS_OK)
MATRIX["companies:add_contact"] = (AGENT_405, AGENTS_OK)
MATRIX["companies:remove_contact"] = (AGENT_405, AGENTS_OK)
MATRIX["companies:merge"] = (AGENT_405, SUPERVISORS)
MATRIX["companies:customer_company"] = (AGENT_405, AGENTS_OK)
# Outbound mail, forward and split (issue 16 items 6-8): forward and split act on team A's ticket.
MATRIX["replies:outbound"] = (AGENTS_OK, AGENTS_OK)
MATRIX["replies:forward"] = (AGENT_405, TEAM_A)
MATRIX["replies:split"] = (AGENT_405, TEAM_A)
# Notifications and presence (issue 17 items 2-3): one's own; presence on team A's ticket only.
MATRIX["notifications:list"] = (AGENTS_OK, AGENT_405)
MATRIX["notifications:badge"] = (AGENTS_OK, AGENT_405)
MATRIX["notifications:mark_read"] = (AGENT_405, AGENTS_OK)
MATRIX["notifications:open"] = (AGENT_405, NOT_FOUND)
MATRIX["notifications:settings"] = (AGENTS_OK, AGENTS_OK)
MATRIX["notifications:follow"] = (AGENT_405, TEAM_A)
MATRIX["presence:beat"] = (AGENT_405, TEAM_A)
MATRIX["presence:leave"] = (AGENT_405, TEAM_A)
MATRIX["tickets:view_counts"] = (AGENTS_OK, AGENT_405)
# Outgoing webhooks (issue 21 item 3): supervisors and administrators; an empty form is a bad request.
BAD_FORM = _with(SUPERVISORS, supervisor=400, administrator=400)
MATRIX["webhooks:list"] = (SUPERVISORS, NOBODY)
MATRIX["webhooks:detail"] = (SUPERVISORS, NOBODY)
MATRIX["webhooks:create"] = (NOBODY, BAD_FORM)
MATRIX["webhooks:edit"] = (NOBODY, BAD_FORM)
MATRIX["webhooks:active"] = (NOBODY, BAD_FORM)
MATRIX["webhooks:delete"] = (NOBODY, BAD_FORM)  # without the confirmation box ticked
for name in ("webhooks:ping", "webhooks:rotate", "webhooks:redeliver"):
    MATRIX[name] = (NOBODY, SUPERVISORS)
# The supervisors' team actions: POST only, 403 for agents.
for name in ("tickets:team_create", "tickets:team_update", "tickets:team_members", "tickets:team_rule_add",
             "tickets:team_delete", "tickets:team_rule_delete"):
    MATRIX[name] = (AGENT_405, SUPERVISORS)

# The REST API (issue 21): a session of an agent works too (the docs page); no login page, but 401.
# An empty POST is refused for its missing fields (400, an empty reply's missing text included; 422 for
# an empty note, which may carry text or files; 409 for an unconfirmed release) once the caller may see the object: team A's ticket is 404 for team B first.
API_401 = {"anonymous": 401}
API_OK = {**AGENTS_OK, **API_401}
API_405 = {**dict.fromkeys(PERSONAS, 405), **API_401}
API_400 = {**dict.fromkeys(PERSONAS, 400), **API_401}
API_TEAM_A = {**TEAM_A, **API_401}
for name in ("api:tickets", "api:calls", "api:releases"):
    MATRIX[name] = (API_OK, API_400)
MATRIX["api:ticket"] = (API_TEAM_A, API_405)
for name in ("api:ticket-status", "api:ticket-assign", "api:ticket-priority"):
    MATRIX[name] = (API_405, _with(API_TEAM_A, agent_a=400, supervisor=400, administrator=400))
MATRIX["api:ticket-tags"] = (API_405, API_TEAM_A)  # nothing to add or remove: the tags as they are
MATRIX["api:ticket-replies"] = (API_405, _with(API_TEAM_A, agent_a=400, supervisor=400, administrator=400))
MATRIX["api:ticket-notes"] = (API_405, _with(API_TEAM_A, agent_a=422, supervisor=422, administrator=422))
for name in ("api:customers", "api:customer", "api:companies", "api:company", "api:kb-articles", "api:kb-article",
             "api:report"):
    MATRIX[name] = (API_OK, API_405)
MATRIX["api:kb-search"] = (API_400, API_405)
MATRIX["api:kb-suggest"] = (API_405, API_400)
MATRIX["api:release-publish"] = (API_405, _with(API_405, agent_a=403, agent_b=403, supervisor=409, administrator=409))
MATRIX["api:unknown"] = (dict.fromkeys(PERSONAS, 404), dict.fromkeys(PERSONAS, 404))
# Tokens are the administrators' (an empty form is a bad request); the others are told 403.
MATRIX["api_admin:tokens"] = (ADMINISTRATORS, _with(ADMINISTRATORS, administrator=400))
MATRIX["api_admin:revoke"] = (AGENT_405, _with(ADMINISTRATORS, administrator=404))  # no such token


def url_names(patterns: list[URLPattern | URLResolver], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif (pattern.callback.__module__.startswith("supportdesk.") or pattern.name in {"login", "logout",
                                                                                         "set_language"}
              or (namespace, pattern.name) in {("admin", "login"), ("admin", "logout"), ("admin", "index")}):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


class PermissionMatrixTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        users = get_user_model()
        agents, _supervisors = ensure_groups()
        self.boris = users.objects.create_user("boris", "boris@softlab.tv", PASSWORD)
        self.boris.groups.add(agents)
        self.ada = users.objects.create_superuser("ada", "ada@softlab.tv", PASSWORD)
        self.team_a = Team.objects.create(name="Вещание (L2)")
        self.team_b = Team.objects.create(name="Платы SL Video")
        self.team_a.members.add(self.alice)
        self.team_b.members.add(self.boris)
        self.rule = TeamRule.objects.create(team=self.team_a, kind="mailbox", value="forward@softlab.tv")
        ingest_raw(make_mail(message_id="matrix@tv-sibir.ru", to="forward@softlab.tv",
                             attachments=(("log.txt", "text/plain", b"log"),)), source="lmtp", source_uid="m-1")
        self.inbound = InboundMail.objects.get()
        self.ticket = Ticket.objects.get(pk=self.inbound.ticket_id)
        assert self.ticket.team_id == self.team_a.pk, "the mailbox rule routes the mail to team A"
        self.attachment = Attachment.objects.get(message__ticket=self.ticket)
        self.call = call_log(agent=self.alice, log=CallLog(direction="in", number="+7 913 123-45-67", summary="Звонок"))
        self.release = Release.objects.create(product=self.products["forward-ts"], version="5.1")
        integration_create(name="asterisk")
        self.token = access_link_issue(ticket=self.ticket, email="ivanov@tv-sibir.ru")
        self.other = self.make_ticket(subject="Второе обращение")
        services.ticket_set_team(ticket=self.other, team=self.team_a, by_user=None)
        services_tags.ticket_tag(ticket=self.ticket, add=["эфир"], by_user=self.alice)
        self.tag = Tag.objects.get(name="эфир")
        self.saved_view = SavedView.objects.create(name="Срочные", owner=self.sam, shared=True, query="priority=urgent")
        Article.objects.create(slug="titry", title="Титры", body="Текст", state="published")
        from supportdesk.customers.models import Company

        self.company = Company.objects.create(name="ТВ Сибирь")
        self.webhook = WebhookSubscription.objects.create(name="CRM", url="https://crm.example.ru/h", secret="s",
                                                          events=["ticket.created"], created_at=timezone.now(),
                                                          updated_at=timezone.now())
        self.webhook_delivery = WebhookDelivery.objects.create(
            subscription=self.webhook, event="ticket.created", state=WebhookDelivery.State.FAILED, attempts=8,
            attempt_limit=8, next_attempt_at=timezone.now(), created_at=timezone.now())
        self.users = {"anonymous": None, "agent_a": self.alice, "agent_b": self.boris, "supervisor": self.sam,
                      "administrator": self.ada}

    def client_as(self, persona: str) -> Client:
        """A fresh client signed in as ``persona`` (logging out in one request ends only its session)."""
        client = Client()
        user = self.users[persona]
        if user is not None:
            client.force_login(user)
        return client

    def url(self, name: str) -> str:
        args: dict[str, str] = {
            "portal:access": self.token, "kb:article": "titry", "mail:held_list": "quarantined",
            "cti:events": "asterisk",
        }
        api = {"api:customer": [self.customer.pk], "api:company": [self.company.pk],
               "api:release-publish": [self.release.pk], "api:report": ["load"], "api:kb-article": ["titry"],
               "api:unknown": ["no/such/thing"], "api_admin:revoke": [999_999]}
        if name in api:
            return reverse(name, args=api[name])
        if name.startswith("reports:") and name not in ("reports:index", "reports:monthly"):
            kwargs = {"kind": "load"} if name == "reports:report" else {"kind": "load", "table": "incoming"}
            return reverse(name, kwargs=kwargs)
        if name in ("privacy:customer", "privacy:export", "privacy:erase"):
            return reverse(name, args=[self.customer.pk])
        if name.startswith("companies:"):
            if name == "companies:customer_company":
                return reverse(name, args=[self.customer.pk])
            if name == "companies:remove_contact":
                return reverse(name, args=[self.company.pk, self.customer.pk])
            if name in ("companies:list", "companies:new"):
                return reverse(name)
            return reverse(name, args=[self.company.pk])
        if name.startswith("webhooks:") and name not in ("webhooks:list", "webhooks:create"):
            pk = self.webhook_delivery.pk if name == "webhooks:redeliver" else self.webhook.pk
            return reverse(name, args=[pk])
        if name == "replies:split":
            return reverse(name, args=[self.ticket.messages.filter(kind="incoming").first().pk])  # type: ignore[union-attr]
        if name == "notifications:open":
            return reverse(name, args=[999_999])
        if name in ("replies:canned_edit", "replies:canned_delete"):
            return reverse(name, args=[999_999])
        if name == "replies:signature_brand":
            return reverse(name, args=[self.products["forward-ts"].brand_id])
        ints = {"tickets:tag_rename": self.tag.pk, "tickets:tag_merge": self.tag.pk,
                "tickets:view_delete": self.saved_view.pk, "tickets:attachment": self.attachment.pk, "mail:raw": self.inbound.pk, "mail:reprocess": self.inbound.pk,
                "mail:not_spam": self.inbound.pk, "releases:publish": self.release.pk,
                "tickets:team_rule_delete": self.rule.pk}
        if name in args:
            key = "token" if name == "portal:access" else "slug" if name == "kb:article" else (
                "which" if name == "mail:held_list" else "name")
            return reverse(name, kwargs={key: args[name]})
        if name == "phone:call_to_ticket":
            return reverse(name, kwargs={"call_pk": self.call.pk, "ticket_pk": self.ticket.pk})
        if name == "tickets:tag_suggest":
            return reverse(name) + f"?ticket={self.ticket.pk}&tag=ti"
        if name.startswith(("tickets:team", "tickets:tag_", "tickets:view_delete")) and name not in ("tickets:team_route", "tickets:teams",
                                                              "tickets:team_create"):
            return reverse(name, args=[ints.get(name, self.team_a.pk)])
        try:
            return reverse(name)
        except Exception:  # noqa: BLE001 - the URL takes a pk: the ticket's, or the object's named above
            return reverse(name, args=[ints.get(name, self.ticket.pk)])

    def outcome(self, response: HttpResponse) -> object:
        if response.status_code in (301, 302, 303):
            return LOGIN if response["Location"].startswith(("/login/", "/admin/login/")) else OK
        if 200 <= response.status_code < 300:
            return OK
        return response.status_code

    def test_every_url_is_in_the_matrix(self) -> None:
        names = set(url_names(get_resolver().url_patterns))
        self.assertEqual(sorted(names - set(MATRIX)), [], "URLs without a row in the permission matrix")
        self.assertEqual(sorted(set(MATRIX) - names), [], "rows for URLs that no longer exist")

    def test_every_url_and_method_as_every_persona(self) -> None:
        mismatches = []
        for name, (on_get, on_post) in sorted(MATRIX.items()):
            url = self.url(name)
            for method, expected in (("get", on_get), ("post", on_post)):
                for persona in PERSONAS:
                    with transaction.atomic():
                        response = getattr(self.client_as(persona), method)(url)
                        transaction.set_rollback(True)
                    got = self.outcome(response)
                    if got != expected[persona]:
                        mismatches.append(f"{method.upper()} {url} ({name}) as {persona}: {got}, expected {expected[persona]}")
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_team_b_gets_404_for_team_a_ticket_and_attachment_with_download(self) -> None:
        client = self.client_as("agent_b")
        for url in (reverse("tickets:detail", args=[self.ticket.pk]),
                    reverse("tickets:attachment", args=[self.attachment.pk]),
                    reverse("tickets:attachment", args=[self.attachment.pk]) + "?download=1",
                    reverse("mail:raw", args=[self.inbound.pk])):
            self.assertEqual(client.get(url).status_code, 404, url)
        # A missing ticket answers the same: nothing tells B that #N exists.
        self.assertEqual(client.get(reverse("tickets:detail", args=[999_999])).status_code, 404)
        ok = self.client_as("agent_a").get(reverse("tickets:attachment", args=[self.attachment.pk]))
        self.assertEqual((ok.status_code, b"".join(ok.streaming_content)), (200, b"log"))
