"""``minsheng apiclient issue|revoke|list``: machine clients and their tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.accounts.models import ApiChannel, ApiClient, ApiScope
from minsheng.accounts.services import api_client_issue, api_client_revoke
from minsheng.orgs.models import Organisation


class Command(BaseCommand):
    help = "Issue, revoke or list API clients (tokens for window tablets, provincial systems)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a new client and print its token once")
        issue.add_argument("--name", required=True)
        issue.add_argument(
            "--org", required=True, help="organisation key, e.g. centre-390101000000"
        )
        issue.add_argument("--scope", action="append", default=[], choices=ApiScope.values)
        issue.add_argument("--channel", default="", choices=["", *ApiChannel.values])
        revoke = sub.add_parser("revoke", help="revoke a client by its token prefix")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="list clients")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "issue":
            org = Organisation.objects.filter(key=options["org"]).first()
            if org is None:
                raise CommandError(f"no organisation with key {options['org']!r}")
            client, token = api_client_issue(
                actor="cli",
                name=options["name"],
                organisation=org,
                scopes=options["scope"],
                channel=options["channel"],
            )
            self.stdout.write(f"client {client.pk} {client.name}: {token}")
            self.stdout.write(
                "This token is shown once; store it now. / 令牌只显示一次，请妥善保存。"
            )
        elif action == "revoke":
            matches = list(
                ApiClient.objects.filter(token_prefix=options["prefix"], revoked_at=None)
            )
            if len(matches) != 1:
                raise CommandError(
                    f"{len(matches)} active clients have prefix {options['prefix']!r}"
                )
            api_client_revoke(actor="cli", client=matches[0])
            self.stdout.write(f"revoked {matches[0]}")
        else:
            for c in ApiClient.objects.select_related("organisation"):
                state = "active" if c.is_active else "revoked"
                self.stdout.write(
                    f"{c.token_prefix}  {state:<8} {c.name}  {c.organisation}  {c.scopes}"
                )
