"""Where the assessment's components come from — the platform's own figures for each unit (a
child region) over the period, each on 0–100:

- ``index``: the unit's level index (水平指数) among the units, for the period;
- ``ratings``: 好评率 of the active ratings at the centres of the unit's subtree in the period
  (levels 3–5 ÷ active, as on the ratings pages) × 100;
- ``tasks``: supervision tasks of the unit's subtree due in the period, the share accepted on
  time among those done or already due (today, for a period still running) × 100 (the board's
  按时办结率);
- ``hall``: the share of the six hall metrics of the unit's catalog at the period's end that meet
  the unit's targets × 100;
- ``expert`` (专业评价): the mean of the scores the scheme's named assessors gave the unit for
  the period, each with its reason;
- ``poll``: the unit's satisfaction score (0–100) in the scheme region's poll round for the
  period (``Poll.round`` = the period), as the poll results page estimates it;
- ``inspection``: the mean score of the unit's sites visited in the inspection rounds that count
  for the period (明察暗访, each visit 0–100 by its checklist).

Deductions the scheme sets per occurrence (``"deductions": {source: points}``):
``inspection_finding`` per failed checklist item on those visits, ``overdue_task`` per task of
the unit's subtree due in the period and still not accepted by its end (or today), and
``missed_target`` per hall metric below the unit's target at the period's end. Each becomes a
``deduction:<reason>`` entry for the engine.

A unit without data for a component simply lacks it (the total is over the components present).
Each value carries its uncertainty where the platform knows it, as ``se:<component>``: the
poll's standard error (from its design), the index's spread over its Monte Carlo runs; the run
propagates them to rank intervals (``core.assess.uncertainty``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q
from django.utils import timezone

from minsheng.catalog.selectors import items_at, targets_for
from minsheng.core.catalog.metrics import hall_metrics
from minsheng.core.index.periods import Period
from minsheng.core.ratings.vocabulary import GOOD_LEVELS
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.indicators.selectors import index_result
from minsheng.orgs.models import Region
from minsheng.polls.models import Poll
from minsheng.polls.results import poll_results
from minsheng.reviews.models import Rating, Source
from minsheng.supervision.board import tally
from minsheng.supervision.models import Task

COMPONENTS = ("index", "poll", "ratings", "tasks", "hall", "expert", "inspection")
POLL_LEVEL = {2: "county", 3: "township"}  # the scheme region's level → its units' poll level
INDEX_RUNS = 200  # Monte Carlo runs behind the index component's standard error
DEDUCTIONS = {
    "inspection_finding": "明察暗访发现问题",
    "overdue_task": "督办任务逾期",
    "missed_target": "大厅指标未达标",
}


def components(
    units: list[Region],
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
    if "inspection" in wanted or "inspection_finding" in per:
        from minsheng.inspections.selectors import unit_figures

        for code, (mean, findings) in unit_figures(units, str(period)).items():
            if "inspection" in wanted:
                out[code]["inspection"] = mean
            if findings and "inspection_finding" in per:
                reason = f"deduction:{DEDUCTIONS['inspection_finding']}"
                out[code][reason] = per["inspection_finding"] * findings
    if "index" in wanted and units:
        result = index_result(units, period, runs=INDEX_RUNS)
        spread = result.spread.index_sd if result.spread is not None else None
        for k, (code, value) in enumerate(zip(result.panel.regions, result.index, strict=True)):
            if code in out and value == value:  # not NaN
                out[code]["index"] = float(value)
                if spread is not None and spread[k] == spread[k]:
                    out[code]["se:index"] = float(spread[k])
    if "poll" in wanted and units:
        parent = units[0].parent
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
    for unit in units:
        if "ratings" in wanted:
            active = Rating.objects.filter(
                rated_at__gte=begin, rated_at__lt=stop, source=Source.ACTIVE,
                is_follow_up=False, **unit.subtree_filter("centre__region__"),
            )  # fmt: skip
            good = Count("pk", filter=Q(level__in=GOOD_LEVELS))
            counts = active.aggregate(n=Count("pk"), good=good)
            if counts["n"]:
                out[unit.code]["ratings"] = 100 * counts["good"] / counts["n"]
        if "tasks" in wanted or "overdue_task" in per:
            tasks = Task.objects.filter(
                due__gte=start, due__lte=end, **unit.subtree_filter("region__")
            )
            counted = tally(tasks, min(end, timezone.localdate()))
            if "tasks" in wanted and counted.on_time_rate is not None:
                out[unit.code]["tasks"] = 100 * counted.on_time_rate
            if counted.overdue and "overdue_task" in per:
                reason = f"deduction:{DEDUCTIONS['overdue_task']}"
                out[unit.code][reason] = per["overdue_task"] * counted.overdue
        if "hall" in wanted or "missed_target" in per:
            metrics = hall_metrics(items_at(unit, end))
            met = [m for m in metrics.met(targets_for(unit, end.year)).values() if m is not None]
            if met and "hall" in wanted:
                out[unit.code]["hall"] = 100 * sum(met) / len(met)
            missed = sum(1 for m in met if not m)
            if missed and "missed_target" in per:
                reason = f"deduction:{DEDUCTIONS['missed_target']}"
                out[unit.code][reason] = per["missed_target"] * missed
    return out
