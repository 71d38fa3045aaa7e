"""Where the assessment's components come from — the platform's own figures for each unit over
the period, each on 0–100. A unit is a child region (its figures over its subtree) or a
department of the scheme's region (the figures it answers for):

- ``index``: the unit's level index (水平指数) among the units, for the period (regions);
- ``targets`` (指标目标完成度): the mean attainment (``core.index.progress``: 100·min(x/target,
  1), or its inverse when lower is better) of the indicators with a target and a value in the
  period — the unit's own values; for a department, the scheme region's values of the
  indicators it leads (牵头部门);
- ``ratings``: 好评率 of the active ratings in the period (levels 3–5 ÷ active, as on the ratings
  pages) × 100: at the centres of the unit's subtree, or handled by the department;
- ``tasks``: supervision tasks due in the period — of the unit's subtree, or the department's
  own — the share accepted on time among those done or already due (today, for a period still
  running) × 100 (the board's 按时办结率);
- ``hall``: the share of the six hall metrics at the period's end that meet the region's
  targets × 100, over the unit's catalog (a department: the items it implements);
- ``expert`` (专业评价): the mean of the scores the scheme's named assessors gave the unit for
  the period, each with its reason;
- ``poll``: the unit's satisfaction score (0–100) in the scheme region's poll round for the
  period (``Poll.round`` = the period), as the poll results page estimates it (regions);
- ``inspection``: the mean score of the unit's sites visited in the inspection rounds that count
  for the period (明察暗访, each visit 0–100 by its checklist; regions).

Deductions the scheme sets per occurrence (``"deductions": {source: points}``):
``inspection_finding`` per failed checklist item on those visits, ``overdue_task`` per task of
the unit's subtree due in the period and still not accepted by its end (or today), and
``missed_target`` per hall metric below the unit's target at the period's end (departments: the
last two only). Each becomes a
``deduction:<reason>`` entry for the engine.

A unit without data for a component simply lacks it (the total is over the components present).
Each value carries its uncertainty where the platform knows it, as ``se:<component>``: the
poll's standard error (from its design), the index's spread over its Monte Carlo runs; the run
propagates them to rank intervals (``core.assess.uncertainty``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import Avg
from django.utils import timezone

from minsheng.assess.units import Unit
from minsheng.catalog.selectors import items_at, targets_for
from minsheng.core.catalog.metrics import hall_metrics
from minsheng.core.index.periods import Period
from minsheng.core.index.progress import attainment
from minsheng.core.ratings.vocabulary import GOOD_LEVELS
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.indicators.models import Indicator
from minsheng.indicators.selectors import index_result, load_panel
from minsheng.orgs.models import Region
from minsheng.polls.models import Poll
from minsheng.polls.results import poll_results
from minsheng.supervision.board import tally
from minsheng.supervision.models import Task

COMPONENTS = ("index", "targets", "poll", "ratings", "tasks", "hall", "expert", "inspection")
DEPARTMENT_COMPONENTS = ("targets", "ratings", "tasks", "hall", "expert")
POLL_LEVEL = {2: "county", 3: "township"}  # the scheme region's level → its units' poll level
INDEX_RUNS = 200  # Monte Carlo runs behind the index component's standard error
DEDUCTIONS = {
    "inspection_finding": "明察暗访发现问题",
    "overdue_task": "督办任务逾期",
    "missed_target": "大厅指标未达标",
}
DEPARTMENT_DEDUCTIONS = ("overdue_task", "missed_target")


def components(
    units: list[Unit],
    period: Period,
    wanted: set[str],
    *,
    scheme_id: int | None = None,
    deductions: dict[str, float] | None = None,
) -> dict[str, dict[str, float]]:
    """{unit code: {component or "deduction:<reason>": value}} for the components ``wanted``
    (``scheme_id``: whose assessors' scores make ``expert``; ``deductions``: points per
    occurrence by source)."""
    start, end = period.days()
    per = {k: v for k, v in (deductions or {}).items() if v}
    out: dict[str, dict[str, float]] = {u.code: {} for u in units}
    regions = [u.region for u in units if u.department is None]
    if "inspection" in wanted or "inspection_finding" in per:
        from minsheng.inspections.selectors import unit_figures

        for code, (mean, findings) in unit_figures(regions, str(period)).items():
            if "inspection" in wanted:
                out[code]["inspection"] = mean
            if findings and "inspection_finding" in per:
                reason = f"deduction:{DEDUCTIONS['inspection_finding']}"
                out[code][reason] = per["inspection_finding"] * findings
    if "index" in wanted and regions:
        result = index_result(regions, period, runs=INDEX_RUNS)
        spread = result.spread.index_sd if result.spread is not None else None
        for k, (code, value) in enumerate(zip(result.panel.regions, result.index, strict=True)):
            if code in out and value == value:  # not NaN
                out[code]["index"] = float(value)
                if spread is not None and spread[k] == spread[k]:
                    out[code]["se:index"] = float(spread[k])
    if "targets" in wanted and units:
        for code, value in _attainment(units, period).items():
            out[code]["targets"] = value
    if "poll" in wanted and regions:
        _poll(regions, period, out)
    if "expert" in wanted and scheme_id is not None:
        from minsheng.assess.models import ExpertScore

        for code, mean in (
            ExpertScore.objects.filter(scheme_id=scheme_id, period=str(period))
            .values_list("unit")
            .annotate(mean=Avg("score"))
        ):
            if code in out:
                out[code]["expert"] = float(mean)
    begin = dt.datetime.combine(start, dt.time(), tzinfo=SHANGHAI)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
    if "ratings" in wanted and units:
        for code, rate in _good_rates(units, begin, stop).items():
            out[code]["ratings"] = rate
    for unit in units:
        dept = unit.department
        if "tasks" in wanted or "overdue_task" in per:
            owner = {"unit": dept} if dept else unit.region.subtree_filter("region__")
            tasks = Task.objects.filter(due__gte=start, due__lte=end, **owner)
            counted = tally(tasks, min(end, timezone.localdate()))
            if "tasks" in wanted and counted.on_time_rate is not None:
                out[unit.code]["tasks"] = 100 * counted.on_time_rate
            if counted.overdue and "overdue_task" in per:
                reason = f"deduction:{DEDUCTIONS['overdue_task']}"
                out[unit.code][reason] = per["overdue_task"] * counted.overdue
        if "hall" in wanted or "missed_target" in per:
            items = items_at(unit.region, end, organisation=dept)
            metrics = hall_metrics(items) if items else None
            targets = targets_for(unit.region, end.year)
            met = [m for m in metrics.met(targets).values() if m is not None] if metrics else []
            if met and "hall" in wanted:
                out[unit.code]["hall"] = 100 * sum(met) / len(met)
            missed = sum(1 for m in met if not m)
            if missed and "missed_target" in per:
                reason = f"deduction:{DEDUCTIONS['missed_target']}"
                out[unit.code][reason] = per["missed_target"] * missed
    return out


def _good_rates(units: list[Unit], begin: dt.datetime, stop: dt.datetime) -> dict[str, float]:
    """好评率 (levels 3–5 among active first ratings, in per cent) of each unit that has
    ratings: one count of the analytics store grouped by department — the ratings a department
    handled, wherever — or by the scheme region's child regions."""
    from minsheng.reviews.store import rating_counts

    if units[0].department is not None:
        keys, counts = rating_counts(begin, stop, None, {}, "department", None)
        code_of = {u.department.pk: u.code for u in units if u.department is not None}
    else:
        root = units[0].region.parent
        keys, counts = rating_counts(begin, stop, root, {}, "region", root)
        code_of = {u.region.pk: u.code for u in units}
    good = sum(counts[f"l{level}"] for level in sorted(GOOD_LEVELS))
    return {
        code_of[key]: 100 * int(good[i]) / int(counts["n_active"][i])
        for i, key in enumerate(keys)
        if key in code_of and counts["n_active"][i]
    }


def _poll(regions: list[Region], period: Period, out: dict[str, dict[str, float]]) -> None:
    parent = regions[0].parent
    poll = (
        Poll.objects.filter(region=parent, round=str(period)).order_by("-pk").first()
        if parent is not None
        else None
    )
    level = POLL_LEVEL.get(parent.level) if parent is not None else None
    if poll is not None and level is not None:
        for row in poll_results(poll, level).rows:
            if row.code in out:
                out[row.code]["poll"] = float(row.score)
                out[row.code]["se:poll"] = float(row.se)


def _attainment(units: list[Unit], period: Period) -> dict[str, float]:
    """The mean target attainment of each unit's indicators in the period (see ``targets``)."""
    regions = list({u.region.pk: u.region for u in units}.values())
    panel = load_panel(regions, period)
    t = panel.period_index(period)
    pol = panel.column("polarity")
    scores = attainment(panel.values[:, :, t], panel.column("target")[None, :], pol[None, :])
    row_of = {code: k for k, code in enumerate(panel.regions)}
    led: dict[int, set[str]] = {}
    wanted = [u.department.pk for u in units if u.department is not None]
    for org_id, code in Indicator.objects.filter(lead_department_id__in=wanted).values_list(
        "lead_department_id", "code"
    ):
        led.setdefault(org_id, set()).add(code)
    out: dict[str, float] = {}
    for unit in units:
        row = scores[row_of[unit.region.code]]
        if unit.department is not None:
            mine = led.get(unit.department.pk, set())
            row = row[[i.code in mine for i in panel.indicators]]
        present = row[~np.isnan(row)] if row.size else row
        if present.size:
            out[unit.code] = float(present.mean())
    return out
