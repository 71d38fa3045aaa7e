"""Writes of questionnaires (a service): creating one, replacing its items while it is still a
draft, and starting a new version of a frozen one. A questionnaire is frozen when a poll first
uses it (``services.poll_create``), so a round always keeps the wording it was asked with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.polls.questionnaire import ItemData, check_items
from minsheng.orgs.models import Organisation, OrgKind, Region
from minsheng.polls.models import Item, Questionnaire


class QuestionnaireError(ValueError):
    """The change is not allowed (frozen) or the items break a rule; ``errors`` lists them."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


def departments_of(region: Region | None) -> dict[str, str]:
    """Departments an item may rate, by name and by key → key: those of the region, of the
    regions below it and of the regions above it."""
    if region is None:
        return {}
    out: dict[str, str] = {}
    for key, name in Organisation.objects.filter(
        Q(**region.subtree_filter("region__")) | Q(region_id__in=region.lineage_ids()),
        kind=OrgKind.DEPARTMENT,
    ).values_list("key", "name"):
        out[key] = key
        out.setdefault(name, key)
    return out


def _next_version(region: Region | None, name: str) -> int:
    top = Questionnaire.objects.filter(region=region, name=name).aggregate(v=Max("version"))["v"]
    return (top or 0) + 1


@transaction.atomic
def questionnaire_create(*, name: str, region: Region, actor: Any) -> Questionnaire:
    """A new draft (the next version number if the name is already used in the region)."""
    questionnaire = Questionnaire.objects.create(
        name=name, region=region, version=_next_version(region, name)
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=questionnaire,
        note=str(questionnaire),
        region_code=region.code,
    )
    return questionnaire


@transaction.atomic
def items_replace(questionnaire: Questionnaire, items: Sequence[ItemData], *, actor: Any) -> None:
    """Replace a draft's items (all or nothing). Raises ``QuestionnaireError``."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.frozen:
        raise QuestionnaireError(["问卷已被测评使用而冻结，请创建新版本后修改"])
    errors = check_items(items)
    departments = departments_of(locked.region)
    errors += [
        f"题号 {i.code}：找不到部门 {i.department}"
        for i in items
        if i.department and i.department not in departments
    ]
    if errors:
        raise QuestionnaireError(errors)
    orgs = {o.key: o for o in Organisation.objects.filter(key__in=[i.department for i in items])}
    before = list(locked.items.values_list("code", "text", "scale", "weight"))
    locked.items.all().delete()
    Item.objects.bulk_create(
        Item(
            questionnaire=locked,
            code=i.code,
            text=i.text,
            scale=i.scale.value,
            domain=i.domain,
            organisation=orgs.get(i.department),
            weight=i.weight,
            is_overall=i.is_overall,
            order=k,
        )
        for k, i in enumerate(items)
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"items": [list(map(str, row)) for row in before]},
        after={"items": [[i.code, i.text, i.scale.value, str(i.weight)] for i in items]},
        region_code=locked.region.code if locked.region else "",
    )


@transaction.atomic
def questionnaire_new_version(
    questionnaire: Questionnaire, *, region: Region, actor: Any
) -> Questionnaire:
    """A draft copy of ``questionnaire`` (its items included) owned by ``region``."""
    copy = Questionnaire.objects.create(
        name=questionnaire.name,
        region=region,
        version=_next_version(region, questionnaire.name),
    )
    Item.objects.bulk_create(
        Item(
            questionnaire=copy,
            code=i.code,
            text=i.text,
            scale=i.scale,
            domain=i.domain,
            organisation=i.organisation,
            weight=i.weight,
            is_overall=i.is_overall,
            order=i.order,
        )
        for i in questionnaire.items.all()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=copy,
        note=f"new version of {questionnaire} (id {questionnaire.pk})",
        region_code=region.code,
    )
    return copy
