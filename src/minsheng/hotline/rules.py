"""A city's hotline rules as the core uses them: the deadline rules stored for the city (or
the defaults), checked on save."""

from __future__ import annotations

from typing import Any

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.hotline.deadlines import DeadlineRules, rules_from_json
from minsheng.hotline.models import Rules
from minsheng.orgs.models import Region


def city_rules(city: Region) -> DeadlineRules:
    stored = Rules.objects.filter(city=city).first()
    return rules_from_json(stored.rules if stored is not None else None)


def rules_save(*, actor: Any, city: Region, data: Any) -> DeadlineRules:
    """``RulesError`` (nothing saved) unless the rules are usable."""
    parsed = rules_from_json(data)
    row, _made = Rules.objects.get_or_create(city=city)
    row.rules = parsed.as_json()
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=row, region_code=city.code)
    return parsed
