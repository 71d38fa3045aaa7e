"""``minsheng notify deliver``: send the deliveries that are due now (the worker does it every
minute) and print the counts as JSON. ``minsheng notify log [--status S] [--limit N]``: the
delivery log as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from minsheng.notify.models import Delivery, DeliveryStatus
from minsheng.notify.services import deliver_due


class Command(BaseCommand):
    help = "Notifications: send what is due, or print the delivery log."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("deliver")
        log = sub.add_parser("log")
        log.add_argument("--status", choices=DeliveryStatus.values, default=None)
        log.add_argument("--limit", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "deliver":
            self.stdout.write(json.dumps(deliver_due(), ensure_ascii=False))
            return
        rows = Delivery.objects.select_related("notification__user", "robot").order_by("-pk")
        if options["status"]:
            rows = rows.filter(status=options["status"])
        out = [
            {
                "id": d.pk,
                "title": d.notification.title,
                "to": d.robot.name if d.robot else d.notification.user.get_username(),
                "channel": d.channel,
                "status": d.status,
                "attempts": d.attempts,
                "error": d.last_error,
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            }
            for d in rows[: max(1, options["limit"])]
        ]
        self.stdout.write(json.dumps(out, ensure_ascii=False))
