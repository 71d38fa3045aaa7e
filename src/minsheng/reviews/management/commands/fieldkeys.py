"""``minsheng fieldkeys new|status|reencrypt``: the key ring of personal data at rest.

Rotation: ``minsheng fieldkeys new`` prints a new entry; put it first in MINSHENG_FIELD_KEYS
(keeping the old entries after it), restart, run ``minsheng fieldkeys reencrypt``, then drop
the old entries. JSON out.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from minsheng.core.fieldcrypt import new_key
from minsheng.reviews.services.contact import ENCRYPTED, contacts_reencrypt, key_ring


class Command(BaseCommand):
    help = "Field encryption keys: print a new key, show the ring, re-encrypt stored contacts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["new", "status", "reencrypt"])

    def handle(self, *args: Any, **options: Any) -> None:
        ring = key_ring()
        if options["action"] == "new":
            out: dict[str, Any] = {"entry": new_key()}
        elif options["action"] == "status":
            total = old = 0
            for app, name, field in ENCRYPTED:
                stored = (
                    apps.get_model(app, name)
                    .objects.exclude(**{field: ""})
                    .values_list(field, flat=True)
                )
                for cipher in stored.iterator():
                    total += 1
                    old += ring.needs_rewrite(cipher)
            out = {
                "current_key": ring.current,
                "keys": [kid for kid, _ in ring.keys],
                "contacts": total,
                "written_with_older_keys": old,
            }
        else:
            rewritten, unreadable = contacts_reencrypt()
            out = {"rewritten": rewritten, "unreadable": unreadable, "current_key": ring.current}
        self.stdout.write(json.dumps(out, ensure_ascii=False))
