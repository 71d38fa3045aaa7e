"""The figures of a quarterly report, gathered from the platform the way its pages compute them
(so every number in the report is the page's number):

- 指标监测: the region's scorecard among its peers (``index_result`` with the pages' Monte Carlo
  runs, ``rank_rows`` / ``summary``), and each indicator's score against the previous period;
- 群众满意度: the region's poll round for the quarter (``poll_results``; a county reads its city's
  poll, drilled down), the change from the previous round by the survey change test;
- 好差评: the quarter's ratings of the region's centres (``rating_stats``, as on the statistics
  page, the region itself among its siblings and its child regions for the 附表);
- 督办: tasks of the region's subtree (``board.tally``) and the open ones with their deadlines;
- 大厅指标: the catalog's six metrics at the quarter's end against the targets in force, and the
  inspection rounds counting for the quarter.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from minsheng.catalog.selectors import HALL_LABELS, items_at, targets_for
from minsheng.core.catalog.metrics import hall_metrics
from minsheng.core.index.periods import Period
from minsheng.core.inspect.checklist import FAIL, PASS
from minsheng.core.regions import Level
from minsheng.core.reports.quarterly import (
    HallFacts,
    IndexFacts,
    Named,
    OpenTask,
    PollFacts,
    QuarterFacts,
    RatingFacts,
    TaskFacts,
)
from minsheng.core.survey.results import change
from minsheng.core.workdays.calendar import SHANGHAI, chinese_date
from minsheng.indicators.results import rank_rows
from minsheng.indicators.selectors import index_result, region_peers
from minsheng.inspections.models import Visit, VisitState
from minsheng.orgs.models import Region
from minsheng.polls.models import Poll
from minsheng.polls.results import poll_results
from minsheng.reviews.selectors import TOTAL, RatingSlice, rating_stats
from minsheng.supervision.board import tally
from minsheng.supervision.models import Task, TaskState

UI_RUNS = 500  # as the indicator pages (indicators/views.py)
CHILD_LABEL = {
    Level.PROVINCE: "市",
    Level.CITY: "县（市、区）",
    Level.COUNTY: "乡镇（街道）",
    Level.TOWNSHIP: "村（社区）",
}
PEER_LABEL = {Level.CITY: "全省", Level.COUNTY: "全市", Level.TOWNSHIP: "全县"}
OPEN_SHOWN = 20


class FactsError(ValueError):
    """No report can be made (the message is for the user)."""


def quarter_days(period: Period) -> tuple[dt.date, dt.date]:
    if not period.quarter:
        raise FactsError("季度报告的期别须为季度，如 2026Q3")
    return period.days()


def index_facts(region: Region, period: Period) -> IndexFacts | None:
    peers = region_peers(region)
    if region not in peers:
        return None
    result = index_result(peers, period, runs=UI_RUNS)
    r = result.panel.regions.index(region.code)
    if np.isnan(result.values[r]).all():
        return None
    row = next(x for x in rank_rows(result, {region.code}) if x.code == region.code)
    present = ~np.isnan(result.values[r])
    polarity = result.panel.column("polarity")
    with np.errstate(invalid="ignore"):
        below = np.where(
            polarity > 0, result.values[r] < result.average, result.values[r] > result.average
        )
    names = [ind.name for ind in result.panel.indicators]
    facts = IndexFacts(
        index=row.index, rank=row.rank, peers=len(peers),
        peer_label=PEER_LABEL.get(Level(region.level), "同级"),
        rank_low=row.p05, rank_high=row.p95, previous_rank=row.previous,
        indicators=row.indicators, with_target=int(
            (present & ~np.isnan(result.panel.column("target"))).sum()
        ), met=row.met,
        below=[names[i] for i in np.flatnonzero(below & present)],
        below_codes=[result.panel.indicators[i].code for i in np.flatnonzero(below & present)],
        first=[names[i] for i in np.flatnonzero((result.value_rank[r] == 1) & present)],
    )  # fmt: skip
    before = index_result(peers, period.previous(), runs=0)
    if region.code in before.panel.regions:
        b = before.panel.regions.index(region.code)
        then = {ind.code: before.scores[b, i] for i, ind in enumerate(before.panel.indicators)}
        moves = [
            Named(ind.name, float(result.scores[r, i] - then[ind.code]))
            for i, ind in enumerate(result.panel.indicators)
            if ind.code in then
            and not np.isnan(result.scores[r, i])
            and not np.isnan(then[ind.code])
        ]
        facts.risers = sorted(
            (m for m in moves if (m.value or 0) >= 0.05), key=lambda m: -(m.value or 0)
        )[:3]
        facts.fallers = sorted(
            (m for m in moves if (m.value or 0) <= -0.05), key=lambda m: m.value or 0
        )[:3]
    return facts


def poll_facts(region: Region, period: Period) -> PollFacts | None:
    poll = Poll.objects.filter(region=region, round=str(period)).order_by("-pk").first()
    within, level = None, "county" if region.level <= Level.CITY else "township"
    if poll is None and region.level == Level.COUNTY and region.city is not None:
        poll = Poll.objects.filter(region=region.city, round=str(period)).order_by("-pk").first()
        within, level = region.code, "township"
    if poll is None:
        return None
    results = poll_results(poll, level, None, within)
    if results.overall is None:
        return None
    facts = PollFacts(poll_id=poll.pk, name=poll.name, score=results.overall.estimate, n=results.n)
    if poll.previous is not None:
        earlier = poll_results(poll.previous, level, None, within).overall
        if earlier is not None:
            facts.previous = earlier.estimate
            facts.change_significant = change(
                results.overall.estimate, results.overall.se, earlier.estimate, earlier.se
            ).significant
    if results.satisfied is not None:
        facts.rate = results.satisfied.estimate
        facts.target = poll.target_rate
        facts.target_verdict = {"met": "met", "missed": "not_met"}.get(results.target or "", "")
    facts.units = [
        Named(row.name, row.score, f"{row.change.difference:+.2f}" if row.change else "")
        for row in results.rows
        if row.rank.ranked
    ]
    facts.fields = [Named(f.name, f.score) for f in results.fields]
    facts.weakest = [  # key: the item's code
        Named(i.text, i.score, key=i.code) for i in sorted(results.items, key=lambda i: i.score)[:3]
    ]
    return facts


def rating_facts(region: Region, start: dt.date, end: dt.date) -> RatingFacts | None:
    begin = dt.datetime.combine(start, dt.time(), tzinfo=SHANGHAI)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
    part = RatingSlice(begin, stop, region)
    if not part.queryset().exists():
        return None
    mine = next(iter(rating_stats(part, TOTAL)), None)
    if mine is None:
        return None
    facts = RatingFacts(
        active=mine.n_active, good_rate=mine.good_rate, bad=mine.bad_n,
        rectified_rate=mine.rectified_rate, on_time_rate=mine.on_time_rate,
    )  # fmt: skip
    for g in rating_stats(part, "region", root=region):
        rectified = (
            "无差评" if not g.bad_n else f"{round((g.rectified_rate or 0) * g.bad_n)}/{g.bad_n}"
        )
        facts.units.append(Named(g.group, g.good_rate, rectified))
        if g.bad_n and (g.rectified_rate or 0) < 1:
            facts.short.append(Named(g.group, g.rectified_rate))
    return facts


def task_facts(region: Region, start: dt.date, end: dt.date, today: dt.date) -> TaskFacts | None:
    tasks = Task.objects.filter(due__gte=start, due__lte=end, **region.subtree_filter("region__"))
    counted = tally(tasks, min(end, today))
    facts = TaskFacts(
        total=counted.tasks, done=counted.accepted, overdue=counted.overdue,
        on_time_rate=counted.on_time_rate,
    )  # fmt: skip
    waiting = (
        Task.objects.filter(**region.subtree_filter("region__"), children__isnull=True)
        .exclude(state=TaskState.ACCEPTED)
        .select_related("unit")
        .order_by("due", "pk")[:OPEN_SHOWN]
    )
    if not counted.tasks and not waiting:
        return None
    facts.open = [
        OpenTask(t.title, t.unit.name, chinese_date(t.due), bool(t.due and t.due < today))
        for t in waiting
    ]
    return facts


def hall_facts(region: Region, period: Period, end: dt.date) -> HallFacts | None:
    metrics = hall_metrics(items_at(region, end))
    targets = targets_for(region, end.year)
    values = metrics.as_json()
    facts = HallFacts(year=end.year)
    for key, label in HALL_LABELS.items():
        value = values.get(key)
        if value is None:
            continue
        ok = float(value) >= targets[key] - 1e-12
        facts.met += ok
        word = "达到" if ok else "未达到"
        facts.metrics.append(
            Named(label, float(value), f"{word}目标 {targets[key] * 100:.0f}%", key=key)
        )
    visits = list(
        Visit.objects.filter(
            state=VisitState.SUBMITTED, plan__period=str(period),
            **region.subtree_filter("site__region__"),
        ).select_related("site")
    )  # fmt: skip
    marks = [m for v in visits for m in v.results.values()]
    applies = sum(1 for m in marks if m in (PASS, FAIL))
    facts.visits = len(visits)
    facts.findings = sum(1 for m in marks if m == FAIL)
    facts.pass_rate = sum(1 for m in marks if m == PASS) / applies if applies else None
    facts.worst = [
        Named(v.site.name, v.score, key=str(v.pk))
        for v in sorted((v for v in visits if v.score is not None), key=lambda v: v.score or 0)[:3]
        if (v.score or 0) < 100
    ]
    if not facts.metrics and not facts.visits:
        return None
    return facts


def quarter_facts(region: Region, period: Period, *, issuer: str, today: dt.date) -> QuarterFacts:
    """Every section's figures for ``region`` in the quarter; ``FactsError`` when the quarter has
    no data at all."""
    start, end = quarter_days(period)
    facts = QuarterFacts(
        region=region.name, period_label=period.label, issuer=issuer, date=chinese_date(today),
        child_label=CHILD_LABEL.get(Level(region.level), "下级单位"),
    )  # fmt: skip
    facts.index = index_facts(region, period)
    facts.poll = poll_facts(region, period)
    facts.ratings = rating_facts(region, start, end)
    facts.tasks = task_facts(region, start, end, today)
    facts.hall = hall_facts(region, period, end)
    due = facts.tasks is not None and facts.tasks.total > 0  # open tasks alone are no data
    if not any((facts.index, facts.poll, facts.ratings, due)):
        raise FactsError(f"{region.name}{period.label}没有可报告的数据")
    missing = [
        name
        for name, part in (
            ("指标监测", facts.index),
            ("满意度测评", facts.poll),
            ("好差评", facts.ratings),
        )
        if part is None
    ]
    if missing:
        facts.notes.append(f"本期没有{'、'.join(missing)}数据，相应部分从略。")
    return facts
