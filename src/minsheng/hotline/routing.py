"""Routing suggestions for a city's dispatchers (``core.hotline.routing``): its rules (stored
with the city's hotline rules), and its model — trained on the city's answered orders, kept as
a file under the platform's var folder with its held-out accuracy, reloaded when retrained."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.hotline.routing import (
    Router,
    Rule,
    RuleError,
    document,
    evaluate,
    rules_as_json,
    rules_from_json,
)
from minsheng.hotline.models import Category, Rules, WorkOrder
from minsheng.orgs.models import Organisation, Region

_LOADED: dict[str, tuple[float, Router]] = {}


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "hotline"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def model_path(city: Region) -> Path:
    return _folder() / f"router-{city.code}.pkl"


def model_facts(city: Region) -> dict[str, Any] | None:
    """When the model was trained, on how many orders, and its held-out accuracy."""
    path = _folder() / f"router-{city.code}.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def city_rules_routing(city: Region) -> list[Rule]:
    stored = Rules.objects.filter(city=city).first()
    try:
        return rules_from_json(stored.keywords if stored else None)
    except RuleError:
        return []


def routing_rules_save(*, actor: Any, city: Region, data: Any) -> list[Rule]:
    rules = rules_from_json(data)
    row, _made = Rules.objects.get_or_create(city=city)
    row.keywords = rules_as_json(rules)
    row.save(update_fields=["keywords", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=row, region_code=city.code,
                 note="routing rules")  # fmt: skip
    return rules


def _training(city: Region) -> tuple[list[str], list[str], list[str]]:
    rows = (
        WorkOrder.objects.filter(city=city, answered_at__isnull=False)
        .exclude(unit=None)
        .order_by("received_at")
        .values_list("text", "region__township__code", "unit__key", "category__code")
    )
    texts, units, cats = [], [], []
    for text, place, unit, cat in rows.iterator(chunk_size=5000):
        texts.append(document(text, place or ""))
        units.append(unit)
        cats.append(cat or "")
    return texts, units, cats


def train_city(city: Region, *, actor: Any = "system") -> dict[str, Any]:
    """Measure on the latest fifth, then train on everything and keep the model."""
    texts, units, cats = _training(city)
    unit_acc, cat_acc = evaluate(texts, units, cats)
    router = Router.train(texts, units, cats)
    facts: dict[str, Any] = {
        "trained_at": timezone.now().isoformat(), "orders": len(texts),
        "unit": unit_acc.__dict__ if unit_acc else None,
        "category": cat_acc.__dict__ if cat_acc else None,
    }  # fmt: skip
    if router is not None:
        model_path(city).write_bytes(router.dumps())
    (_folder() / f"router-{city.code}.json").write_text(json.dumps(facts), encoding="utf-8")
    audit_record(actor=actor, action=AuditAction.UPDATE, object_type="hotline.router",
                 region_code=city.code, note=f"routing model: {len(texts)} orders")  # fmt: skip
    return facts


def router_for(city: Region) -> Router | None:
    path = model_path(city)
    if not path.is_file():
        return None
    stamp = path.stat().st_mtime
    cached = _LOADED.get(city.code)
    if cached is None or cached[0] != stamp:
        cached = (stamp, Router.loads(path.read_bytes()))
        _LOADED[city.code] = cached
    return cached[1]


@dataclass(frozen=True)
class Offer:
    unit: Organisation | None
    category: Category | None
    probability: float | None  # None: from a rule
    rule: str = ""


def suggestions(order: WorkOrder) -> tuple[list[Offer], list[Offer]]:
    """(units, categories) to offer for an order: matching rules first, then the model's top
    three with their probability."""
    return suggestions_for(order.city, order.text, order.region)


def suggestions_for(
    city: Region, text: str, region: Region | None
) -> tuple[list[Offer], list[Offer]]:
    place = region.township.code if region and region.township else ""
    units: list[Offer] = []
    cats: list[Offer] = []
    orgs = Organisation.objects.filter(region__city_id=city.pk, is_active=True)
    categories = Category.objects.filter(city=city, is_active=True)
    region_code = region.code if region else ""
    for rule in city_rules_routing(city):
        if not rule.matches(text, region_code):
            continue
        said = "、".join(rule.keywords)
        if rule.unit:
            org = orgs.filter(Q(key=rule.unit) | Q(name=rule.unit)).first()
            if org is not None:
                units.append(Offer(org, None, None, said))
        if rule.category:
            cat = categories.filter(Q(code=rule.category) | Q(path=rule.category)).first()
            if cat is not None:
                cats.append(Offer(None, cat, None, said))
    router = router_for(city)
    if router is not None:
        by_unit, by_cat = router.suggest(document(text, place))
        found_orgs = {o.key: o for o in orgs.filter(key__in=[s.label for s in by_unit])}
        units += [Offer(found_orgs[s.label], None, s.probability) for s in by_unit
                  if s.label in found_orgs]  # fmt: skip
        found_cats = {c.code: c for c in categories.filter(code__in=[s.label for s in by_cat])}
        cats += [Offer(None, found_cats[s.label], s.probability) for s in by_cat
                 if s.label in found_cats]  # fmt: skip
    return units, cats
