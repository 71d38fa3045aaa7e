"""Writes of the polls capability: importing a vendor's fieldwork file (all or nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.polls.fieldwork import ItemSpec, read_respondents
from minsheng.core.polls.scales import Scale
from minsheng.core.tabular import TableError, read_table
from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.models import Poll, Questionnaire, Respondent

Progress = Callable[[int, int], None]
BATCH = 2000


def poll_salt(poll: Poll) -> str:
    """Per-poll salt: the same number is the same respondent within a poll, unlinkable across.
    (The demo step uses the same recipe.)"""
    return f"{settings.SECRET_KEY}:poll:{poll.pk}"


def _regions(poll: Poll) -> dict[str, Region]:
    """Counties and townships of the poll's region, by code, short code and name."""
    out: dict[str, Region] = {}
    for region in Region.objects.filter(
        level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP], **poll.region.subtree_filter()
    ):
        out[region.code] = region
        out[region.code.rstrip("0")] = region
        out.setdefault(region.name, region)
    return out


@transaction.atomic
def fieldwork_import(
    poll: Poll, data: bytes, *, filename: str, actor: Any, progress: Progress | None = None
) -> int:
    """Check every row, then store all respondents — or raise ``TableError`` listing every
    problem and store nothing. Returns the number imported."""
    table = read_table(data, filename=filename)
    items = [ItemSpec(i.code, Scale(i.scale)) for i in poll.questionnaire.items.all()]
    regions = _regions(poll)
    known = frozenset(Respondent.objects.filter(poll=poll).values_list("phone_hash", flat=True))
    respondents, errors = read_respondents(
        table,
        items=items,
        mapping=poll.mapping or {},
        region_ok=lambda code: code in regions,
        salt=poll_salt(poll),
        known_hashes=known,
        min_duration=float(poll.min_duration),
    )
    taken = set(Respondent.objects.filter(poll=poll).values_list("respondent_id", flat=True))
    errors += [
        table.error(
            r.row, (poll.mapping or {}).get("respondent_id", "respondent_id"), "样本编号已导入过"
        )
        for r in respondents
        if r.respondent_id in taken
    ]
    if errors:
        raise TableError(sorted(errors, key=lambda e: (e.row, e.column)))
    total = len(respondents)
    for start in range(0, total, BATCH):
        Respondent.objects.bulk_create(
            Respondent(
                poll=poll,
                respondent_id=r.respondent_id,
                region=regions[r.region],
                stratum=r.stratum,
                phone_hash=r.phone_hash,
                interviewer=r.interviewer,
                duration=r.duration,
                weight=r.weight if r.weight is not None else 1.0,
                answers=r.answers,
            )
            for r in respondents[start : start + BATCH]
        )
        if progress is not None:
            progress(min(start + BATCH, total), total)
    Questionnaire.objects.filter(pk=poll.questionnaire_id).update(frozen=True)
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        obj=poll,
        note=f"fieldwork {filename}: {total} respondents",
        region_code=poll.region.code,
    )
    return total
