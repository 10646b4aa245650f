"""Issue, list and revoke API tokens from the command line (as the administrator's page does)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.api.models import DEFAULT_RATE_PER_MINUTE, SCOPES, ApiToken
from supportdesk.api.tokens import TokenError, token_issue, token_revoke, tokens_listed


class Command(BaseCommand):
    help = "API tokens: issue NAME --user U --scopes S (shown once), list, revoke ID."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a token; it is printed once")
        issue.add_argument("name", help="the integration: CRM, bug tracker, ...")
        issue.add_argument("--user", required=True, help="the agent (user name) the token acts as")
        issue.add_argument("--scopes", required=True,
                           help=f"comma-separated: {', '.join(SCOPES)}; 'resource:*' or 'all'")
        issue.add_argument("--rate", type=int, default=DEFAULT_RATE_PER_MINUTE, help="requests per minute")
        sub.add_parser("list", help="every token (never the secret)")
        revoke = sub.add_parser("revoke", help="revoke a token by its id (the part after sdk_)")
        revoke.add_argument("token_id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "issue":
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
            try:
                issued = token_issue(name=options["name"], user=user, scopes=options["scopes"], by_user=None,
                                     rate_per_minute=options["rate"])
            except TokenError as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(f"token {issued.token.prefix} for {issued.token.name}, acting as {user.get_username()}, "
                              f"scopes {', '.join(issued.token.scopes)}; shown only now:")
            self.stdout.write(issued.clear)
        elif action == "list":
            for t in tokens_listed():
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                self.stdout.write(f"{t.prefix}\t{t.name}\t{t.user.get_username()}\t{','.join(t.scopes)}\t"
                                  f"{t.rate_per_minute}/min\t{state}")
        else:
            token = ApiToken.objects.filter(prefix=options["token_id"].removeprefix("sdk_").split("_")[0]).first()
            if token is None:
                raise CommandError(f"no token {options['token_id']!r}")
            token_revoke(token=token, by_user=None)
            self.stdout.write(f"revoked {token.prefix} ({token.name})")
