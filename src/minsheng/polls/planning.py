"""A poll's sampling plan (a service): saving the frame counts and quotas by region × stratum,
recording how many numbers the vendor issued per stratum, and turning the plan into design
weights with a nonresponse adjustment within strata (``core.survey.weights.design_weights``).
Raking to census margins (``polls.weighting``) then starts from these weights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.survey.design import DesignError
from minsheng.core.survey.sampling import QuotaRow
from minsheng.core.survey.weights import design_weights
from minsheng.core.tabular import CellError, Table, TableError, cell_float, cell_int, cell_text
from minsheng.polls.models import PlanCell, Poll, Respondent
from minsheng.polls.selectors import CellWeight
from minsheng.polls.services import poll_regions
from minsheng.polls.store import refresh_on_commit, respondents_changed

FRAME_COLUMNS = ("region", "stratum", "count")
ISSUED_COLUMNS = ("region", "stratum", "issued")
SHOWN = 10
CHUNK = 500
MAX_FRAME = 1e10  # more people (or numbers) than any region has: a typing error


def read_frame(
    table: Table, regions: Mapping[str, object] | None = None
) -> dict[str, dict[str, float]]:
    """Rows ``region,stratum,count`` → {region: {stratum: N}}; every error located. With
    ``regions`` (the poll's, by code, short code or name) a region outside it is an error at
    its row."""
    _require(table, FRAME_COLUMNS)
    frame: dict[str, dict[str, float]] = {}
    errors: list[CellError] = []
    for row in table.rows:
        region, stratum = cell_text(row.values.get("region")), cell_text(row.values.get("stratum"))
        count = cell_float(row.values.get("count"))
        if not region or not stratum:
            errors.append(table.error(row.number, "region", "地区与层不能为空"))
        elif regions is not None and region not in regions:
            errors.append(
                table.error(row.number, "region", f"“{region}”不是本测评范围内的县区或乡镇")
            )
        if count is None or not 0 <= count <= MAX_FRAME:
            errors.append(
                table.error(row.number, "count", f"抽样框数量须为 0 至 {MAX_FRAME:.0e} 之间的数字")
            )
        elif region and stratum:
            if stratum in frame.get(region, {}):
                errors.append(table.error(row.number, "stratum", f"{region} / {stratum} 重复"))
            frame.setdefault(region, {})[stratum] = count
    if errors:
        raise TableError(errors)
    return frame


def _require(table: Table, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.headers]
    if missing:
        raise TableError([table.error(table.header_row, c, f"缺少列 {c}") for c in missing])


@transaction.atomic
def plan_save(poll: Poll, rows: Sequence[QuotaRow], *, actor: Any) -> int:
    """Replace the poll's plan with ``rows`` (regions by code, short code or name). Raises
    ``DesignError`` naming the regions that are not in the poll's area; saves nothing then."""
    regions = poll_regions(poll)
    unknown = sorted({r.region for r in rows if r.region not in regions})
    if unknown:
        raise DesignError(f"不在本测评范围内的地区 / unknown regions: {'、'.join(unknown[:SHOWN])}")
    Respondent.objects.filter(poll=poll, cell__isnull=False).update(cell=None)
    respondents_changed(poll)
    PlanCell.objects.filter(poll=poll).delete()
    PlanCell.objects.bulk_create(
        PlanCell(
            poll=poll,
            region=regions[r.region],
            stratum=r.stratum,
            frame=r.frame,
            quota=r.quota,
        )
        for r in rows
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=poll,
        note=f"sampling plan: {len(rows)} cells, quota {sum(r.quota for r in rows)}",
        region_code=poll.region.code,
    )
    return len(rows)


def _cells_by_key(poll: Poll) -> dict[tuple[int, str], PlanCell]:
    cells = PlanCell.objects.filter(poll=poll).select_related("region")
    return {(c.region_id, c.stratum): c for c in cells}


def _label(cell: PlanCell) -> str:
    return f"{cell.region.name}（{cell.region.code}）/ {cell.stratum}"


@transaction.atomic
def issued_save(poll: Poll, table: Table, *, actor: Any) -> int:
    """Rows ``region,stratum,issued`` from the vendor; all or nothing, every error located."""
    _require(table, ISSUED_COLUMNS)
    regions = poll_regions(poll)
    cells = _cells_by_key(poll)
    errors: list[CellError] = []
    updates: list[PlanCell] = []
    for row in table.rows:
        region = regions.get(cell_text(row.values.get("region")))
        stratum = cell_text(row.values.get("stratum"))
        issued = cell_int(row.values.get("issued"))
        cell = cells.get((region.pk, stratum)) if region is not None else None
        if cell is None:
            errors.append(table.error(row.number, "region", "抽样方案中没有这一地区与层"))
        if issued is None or issued < 0:
            errors.append(table.error(row.number, "issued", "发放数须为非负整数"))
        elif cell is not None:
            if issued > cell.frame:
                errors.append(table.error(row.number, "issued", "发放数超过抽样框数量"))
            cell.issued = issued
            updates.append(cell)
    if errors:
        raise TableError(errors)
    PlanCell.objects.bulk_update(updates, ["issued"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=poll,
        note=f"issued numbers for {len(updates)} plan cells",
        region_code=poll.region.code,
    )
    return len(updates)


@transaction.atomic
def design_weights_apply(
    poll: Poll, *, issued: Table | None = None, actor: Any
) -> list[CellWeight]:
    """Give every respondent the design weight of its plan cell (its region, or the county
    above it, × its stratum) adjusted for nonresponse within the cell; ``issued`` (the vendor's
    counts) is recorded first, in the same transaction. Raises ``TableError`` or
    ``DesignError`` (no plan, a respondent without a cell, counts that do not add up) and
    changes nothing then."""
    if issued is not None:
        issued_save(poll, issued, actor=actor)
    cells = _cells_by_key(poll)
    if not cells:
        raise DesignError("本测评还没有保存抽样方案 / the poll has no sampling plan")
    rows = list(
        Respondent.objects.filter(poll=poll).values_list(
            "pk", "respondent_id", "region_id", "region__county_id", "stratum"
        )
    )
    if not rows:
        raise DesignError("本测评还没有受访者 / the poll has no respondents yet")
    matched: list[tuple[int, PlanCell]] = []
    lost: list[str] = []
    for pk, rid, region_id, county_id, stratum in rows:
        cell = cells.get((region_id, stratum)) or cells.get((county_id or 0, stratum))
        if cell is None:
            lost.append(rid)
        else:
            matched.append((pk, cell))
    if lost:
        raise DesignError(
            f"{len(lost)} 个受访者在抽样方案中找不到所属的地区与层（如 {'、'.join(lost[:SHOWN])}）"
            " / respondents outside the plan's cells"
        )
    responded = Counter(_label(cell) for _, cell in matched)
    over = [
        f"{_label(c)}：完成 {responded[_label(c)]}，发放 {c.issued}"
        for c in cells.values()
        if c.issued is not None and responded[_label(c)] > c.issued
    ]
    if over:
        raise DesignError(
            f"完成数超过发放数 / more respondents than numbers issued: {'；'.join(over[:SHOWN])}"
        )
    try:
        weights = design_weights(
            {_label(c): c.frame for c in cells.values()},
            {
                _label(c): float(c.issued if c.issued is not None else c.quota)
                for c in cells.values()
            },
            responded,
        )
    except ValueError as exc:
        raise DesignError(f"抽样方案的数量不一致 / plan counts do not add up: {exc}") from exc
    # Everyone in a cell gets the same weight: one UPDATE per cell (and per 500 ids).
    members: dict[int, list[int]] = {}
    for pk, cell in matched:
        members.setdefault(cell.pk, []).append(pk)
    for cell in cells.values():
        ids = members.get(cell.pk, [])
        weight = weights[_label(cell)].weight
        for start in range(0, len(ids), CHUNK):
            Respondent.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                cell=cell, weight=weight, base_weight=weight
            )
    # New design weights undo any earlier calibration: rake again from these if needed.
    Poll.objects.filter(pk=poll.pk).update(calibration={})
    refresh_on_commit(poll)
    empty = sum(1 for w in weights.values() if w.weight is None)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=poll,
        note=f"design weights from the plan: {len(matched)} respondents, {empty} empty cells",
        region_code=poll.region.code,
    )
    return [CellWeight(c, weights[_label(c)]) for c in cells.values()]
