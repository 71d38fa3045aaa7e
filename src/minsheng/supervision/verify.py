"""Verified by later data, not by declaration. A task with a measurable aim is checked against
the indicator data that arrived after it:

- a task made from an indicator warning: in the latest period after the warning's, does the
  same warning still fire for the region (value, target, average and rank as the index computes
  them)? No → 已验证; yes → 未达到;
- a plan task with targets ("进驻率达到90%以上"): the region's value of the indicator the target
  names, in the latest period after the task was made, against the target → 已验证 / 未达到;
- a task made from a poll item to improve: the item's score in the next round against this
  round's by the polls' change test (5 % level): up beyond sampling error → 已验证, else 未达到;
- a task made from a bad-rating case: the department's bad-rating rate (active ratings) in the
  latest full month after the task against the case's month, two-proportion z-test (5 %):
  down beyond chance → 已验证, else 未达到;
- a task made from a confirmed integrity finding: the latest month the checks ran after it —
  the same kind at the same centre again → 未达到, none → 已验证;
- no data for a later period, or no indicator matches the target → 数据不足.

Official indicator values carry no sampling error, so "beyond noise" is the index's own test:
the warning rules (below average, off track, running worse, in the bottom n) evaluated on the
new period. The sweep stores each open or finished task's verdict; the task page and the board
show it."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from minsheng.core.index.engine import IndexResult
from minsheng.core.index.periods import Period, PeriodError
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.indicators.models import Indicator
from minsheng.indicators.selectors import index_result, periods_available, region_peers
from minsheng.orgs.models import Region
from minsheng.supervision.models import Task, TaskSource, Verdict

SCOPE_WORDS = re.compile(r"^(全市|全县|全区|各县\(市、区\)|各县|各乡镇)")


def _period_of(moment: dt.datetime) -> Period:
    day = moment.astimezone(SHANGHAI).date()
    return Period(day.year, (day.month - 1) // 3 + 1)


def _key(p: Period) -> tuple[float, int]:
    return (p.time, p.quarter)


@dataclass
class Checker:
    """Shares index computations between the tasks of one run."""

    periods: list[Period] = field(default_factory=periods_available)
    results: dict[tuple[str, str], IndexResult] = field(default_factory=dict)
    indicators: list[Indicator] = field(
        default_factory=lambda: list(Indicator.objects.filter(is_active=True))
    )

    def later(self, after: Period, region: Region | None = None, code: str = "") -> Period | None:
        """The latest period after ``after`` with data (for ``region``'s ``code`` when given:
        an annual indicator has no value in the quarters between)."""
        for period in reversed([p for p in self.periods if _key(p) > _key(after)]):
            if region is None or not code or self.value(region, code, period) is not None:
                return period
        return None

    def result(self, region: Region, period: Period) -> IndexResult:
        peers = region_peers(region)
        key = (",".join(sorted(r.code for r in peers)), str(period))
        if key not in self.results:
            self.results[key] = index_result(peers, period)
        return self.results[key]

    def value(self, region: Region, code: str, period: Period) -> float | None:
        result = self.result(region, period)
        panel = result.panel
        codes = [i.code for i in panel.indicators]
        if region.code not in panel.regions or code not in codes or period not in panel.periods:
            return None
        v = float(
            panel.values[
                panel.regions.index(region.code), codes.index(code), panel.periods.index(period)
            ]
        )
        return None if math.isnan(v) else v

    def indicator_for(self, metric: str) -> Indicator | None:
        name = SCOPE_WORDS.sub("", metric.strip())
        exact = [i for i in self.indicators if i.name == name]
        if exact:
            return exact[0]
        inside = [i for i in self.indicators if len(i.name) >= 4 and i.name in metric]
        return max(inside, key=lambda i: len(i.name)) if inside else None


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def _warning(task: Task, checker: Checker) -> tuple[str, str]:
    ev: dict[str, Any] = task.evidence or {}
    region = Region.objects.filter(code=ev.get("region", "")).first()
    try:
        period = Period.parse(ev.get("period", ""))
    except PeriodError:
        return Verdict.NO_DATA, "预警的期别不明，无法核验"
    if region is None:
        return Verdict.NO_DATA, "预警的地区已不存在"
    code, rule = ev.get("indicator", ""), ev.get("rule", "")
    later = checker.later(period, region, code)
    if later is None:
        return Verdict.NO_DATA, f"{region.name} 还没有{period.label}之后的数据"
    result = checker.result(region, later)
    for w in result.warnings:
        if w.region == region.code and (w.code or "") == code and w.rule == rule:
            return Verdict.NOT_MET, f"{later.label}仍有预警：{w.message}"
    value = checker.value(region, code, later) if code else None
    indicator = next((i for i in checker.indicators if i.code == code), None)
    shown = (
        f"（{indicator.name} {_fmt(value, indicator.unit)}）"
        if value is not None and indicator
        else ""
    )
    return Verdict.VERIFIED, f"{later.label}的数据已不再触发这条预警{shown}"


def _targets(task: Task, checker: Checker) -> tuple[str, str]:
    targets = list((task.parent or task).targets.all())
    since = _period_of(task.created_at)
    later = checker.later(since)
    checked: list[tuple[bool, str]] = []
    missing: list[str] = []
    for target in targets:
        indicator = checker.indicator_for(target.metric)
        at = checker.later(since, task.region, indicator.code) if indicator else None
        value = checker.value(task.region, indicator.code, at) if indicator and at else None
        if value is None:
            missing.append(target.metric)
            continue
        met = value >= target.value if target.op == ">=" else value <= target.value
        sign = "≥" if target.op == ">=" else "≤"
        checked.append(
            (
                met,
                f"{target.metric}{at.label if at else ''}为 {_fmt(value, target.unit)}"
                f"（目标 {sign} {_fmt(target.value, target.unit)}）",
            )
        )
    if not checked:
        if later is None:
            return Verdict.NO_DATA, f"还没有{since.label}之后的指标数据"
        return Verdict.NO_DATA, "没有与目标对应的指标数据：" + "、".join(missing)[:200]
    note = "；".join(text for _, text in checked)
    if missing:
        note += "；无数据：" + "、".join(missing)
    return (Verdict.VERIFIED if all(m for m, _ in checked) else Verdict.NOT_MET), note[:500]


def _poll(task: Task) -> tuple[str, str]:
    """The item's score in the next round against this round's, by the polls' change test
    (difference over the combined standard error, 5 % level)."""
    from minsheng.core.survey.results import change
    from minsheng.polls.models import Poll
    from minsheng.polls.results import poll_results

    ev: dict[str, Any] = task.evidence or {}
    poll = Poll.objects.filter(pk=ev.get("poll") or 0).select_related("region").first()
    later = Poll.objects.filter(previous=poll).order_by("-pk").first() if poll else None
    if poll is None or later is None:
        return Verdict.NO_DATA, "还没有下一轮测评结果"
    if not ev.get("item"):  # a county whose score fell: its score in the next round
        rows = poll_results(later, "county").rows
        now: Any = next((r for r in rows if r.code == ev.get("region")), None)
        if now is None:
            return Verdict.NO_DATA, f"{later.name}没有这个地区的结果"
    else:
        within = ev.get("region") if ev.get("region") != poll.region.code else None
        results = poll_results(later, "township" if within else "county", None, within)
        now = next((i for i in results.items if i.code == ev.get("item")), None)
        if now is None:
            return Verdict.NO_DATA, f"{later.name}没有这道题的结果"
    moved = change(now.score, now.se, float(ev["score"]), float(ev["se"]))
    before = float(ev["score"])
    text = f"{later.name}得分 {now.score:.1f}（上轮 {before:.1f}，变化 {moved.difference:+.1f}"
    if moved.significant and moved.difference > 0:
        return Verdict.VERIFIED, f"{text}，超出抽样误差）"
    if moved.significant:
        return Verdict.NOT_MET, f"{text}，下降超出抽样误差）"
    return Verdict.NOT_MET, f"{text}，在抽样误差之内）"


def _bad_rate(department_id: int, month: str) -> tuple[int, int]:
    """(bad, all) active first ratings of the department in the month (Asia/Shanghai), as the
    ratings pages count them (a 追评 is not counted again): from the analytics store."""
    from minsheng.core.analytics.store import month_bounds
    from minsheng.reviews.store import rating_counts

    start, end = month_bounds(month)
    keys, counts = rating_counts(start, end, None, {"department_id": department_id}, "total", None)
    if not keys:
        return 0, 0
    return int(counts["l1"][0] + counts["l2"][0]), int(counts["n_active"][0])


def _case(task: Task) -> tuple[str, str]:
    """The department's bad-rating rate in the last full month after the task was made,
    against the case's month, by the two-proportion z-test (5 % level, pooled)."""
    ev: dict[str, Any] = task.evidence or {}
    before_month = str(ev.get("month", ""))
    made = task.created_at.astimezone(SHANGHAI)
    this_month = timezone.now().astimezone(SHANGHAI).strftime("%Y-%m")
    after_month = (made.replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")
    if not before_month or after_month >= this_month:
        return Verdict.NO_DATA, "任务创建后还没有完整月份的评价数据"
    bad0, n0 = _bad_rate(int(ev.get("department") or 0), before_month)
    # The latest full month after the task was made.
    latest = (timezone.now().astimezone(SHANGHAI).replace(day=1) - dt.timedelta(days=1)).strftime(
        "%Y-%m"
    )
    bad1, n1 = _bad_rate(int(ev.get("department") or 0), latest)
    if not n0 or not n1:
        return Verdict.NO_DATA, f"{latest} 没有主动评价"
    p0, p1 = bad0 / n0, bad1 / n1
    pooled = (bad0 + bad1) / (n0 + n1)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    z = (p0 - p1) / se if se > 0 else 0.0
    text = f"差评率 {latest} 为 {p1:.1%}（{bad1}/{n1}），{before_month} 为 {p0:.1%}（{bad0}/{n0}）"
    if z > 1.96:
        return Verdict.VERIFIED, f"{text}，下降超出随机波动"
    return Verdict.NOT_MET, f"{text}，未见超出随机波动的下降"


def _integrity(task: Task) -> tuple[str, str]:
    """The latest period (month, poll round, reporting period) the same checks ran after the
    finding's: the same kind of finding on the same centre, interviewer or region again →
    未达到; the checks ran and found none → 已验证."""
    from minsheng.reviews.models import IntegrityFlag

    ev: dict[str, Any] = task.evidence or {}
    month = str(ev.get("month", ""))
    domain = str(ev.get("domain", "ratings"))
    same = IntegrityFlag.objects.filter(domain=domain)
    later = same.filter(month__gt=month).order_by("-month").values_list("month", flat=True).first()
    if not month or later is None:
        return Verdict.NO_DATA, "线索之后的期别还没有做异常检查"
    found = same.filter(month=later, kind=ev.get("kind", ""))
    if domain == "ratings":
        found = found.filter(centre_id=ev.get("centre") or 0)
    else:
        found = found.filter(unit=ev.get("unit", ""))
    again = found.exists()
    if again:
        return Verdict.NOT_MET, f"{later} 的异常检查再次发现同类线索"
    return Verdict.VERIFIED, f"{later} 的异常检查未再发现同类线索"


def _hall(task: Task) -> tuple[str, str]:
    """A hall metric below target: once the region's catalog has changed since the task was
    made, the metric as it stands now against the target → 已验证 / 未达到."""
    from minsheng.catalog.models import CatalogItem
    from minsheng.catalog.selectors import items_at
    from minsheng.core.catalog.metrics import hall_metrics

    ev: dict[str, Any] = task.evidence or {}
    region = Region.objects.filter(code=str(ev.get("region", ""))).first()
    metric, target = str(ev.get("metric", "")), float(ev.get("target", 1.0))
    if region is None:
        return Verdict.NO_DATA, "地区已不存在"
    after = Q(valid_from__gt=task.created_at) | Q(valid_to__gt=task.created_at)
    changed = CatalogItem.objects.filter(after, **region.subtree_filter("region__")).exists()
    if not changed:
        return Verdict.NO_DATA, "事项清单尚未调整"
    value = hall_metrics(items_at(region)).as_json().get(metric)
    label = str(ev.get("label", metric))
    if value is None:
        return Verdict.NO_DATA, f"{label}没有可计算的事项"
    text = f"调整后{label}为 {float(value) * 100:.1f}%（目标 {target * 100:.0f}%）"
    if float(value) >= target - 1e-12:
        return Verdict.VERIFIED, f"{text}，已达到目标"
    return Verdict.NOT_MET, f"{text}，仍未达到"


def _assess(task: Task) -> tuple[str, str]:
    """A trigger fired in an assessment: the same scheme's next confirmed run — the trigger
    fires again → 未达到; it does not → 已验证; no later confirmed run yet → 数据不足."""
    from minsheng.assess.models import Run

    ev: dict[str, Any] = task.evidence or {}
    later = (
        Run.objects.filter(
            scheme_id=ev.get("scheme") or 0,
            period__gt=str(ev.get("period", "")),
            confirmed_at__isnull=False,
        )
        .order_by("period", "-confirmed_at")
        .first()
    )
    if later is None:
        return Verdict.NO_DATA, "之后还没有确认的考核结果"
    row = next((r for r in later.results if r["unit"] == ev.get("unit")), None)
    if row is None:
        return Verdict.NO_DATA, f"{later.period} 的考核结果中没有这个单位"
    if ev.get("trigger") in row["triggers"]:
        return Verdict.NOT_MET, f"{later.period} 再次触发“{ev.get('trigger')}”"
    return Verdict.VERIFIED, f"{later.period} 未再触发“{ev.get('trigger')}”"


def _inspection(task: Task) -> tuple[str, str]:
    """An inspection's findings: the site's next submitted visit after the task was made — any
    of the same items failed again → 未达到; all of them passed (or no longer apply) → 已验证;
    no later visit → 数据不足."""
    from minsheng.inspections.models import Visit, VisitState

    ev: dict[str, Any] = task.evidence or {}
    later = (
        Visit.objects.filter(
            site_id=ev.get("site") or 0,
            state=VisitState.SUBMITTED,
            visited_at__gt=task.created_at,
        )
        .order_by("visited_at")
        .first()
    )
    if later is None:
        return Verdict.NO_DATA, "该站点整改后尚未复查"
    when = f"{later.visited_at.astimezone(SHANGHAI):%Y年%m月%d日}" if later.visited_at else ""
    again = [c for c in ev.get("failed", []) if later.results.get(c) == "fail"]
    if again:
        return Verdict.NOT_MET, f"{when}复查，仍有 {len(again)} 个问题未整改"
    return Verdict.VERIFIED, f"{when}复查，原有问题均已整改"


def verdict_for(task: Task, checker: Checker | None = None) -> tuple[str, str]:
    """(verdict, one sentence) for the task, or ("", "") when it has nothing to measure."""
    checker = checker or Checker()
    if task.source == TaskSource.WARNING:
        return _warning(task, checker)
    if task.source == TaskSource.POLL:
        return _poll(task)
    if task.source == TaskSource.CASE:
        return _case(task)
    if task.source == TaskSource.INTEGRITY:
        return _integrity(task)
    if task.source == TaskSource.HALL:
        return _hall(task)
    if task.source == TaskSource.ASSESS:
        return _assess(task)
    if task.source == TaskSource.INSPECTION:
        return _inspection(task)
    if (task.parent or task).targets.exists():
        return _targets(task, checker)
    return Verdict.NONE, ""


def verify_tasks(tasks: Any) -> dict[str, int]:
    """Store the verdict of each task (a queryset or list); returns counts by verdict."""
    checker = Checker()
    counts: dict[str, int] = {}
    now = timezone.now()
    for task in tasks:
        verdict, note = verdict_for(task, checker)
        if (verdict, note) != (task.verdict, task.verdict_note):
            Task.objects.filter(pk=task.pk).update(
                verdict=verdict, verdict_note=note, verdict_at=now
            )
        counts[verdict or "none"] = counts.get(verdict or "none", 0) + 1
    return counts


# Sources whose finding later data can decide (plan tasks count when their plan set targets).
FINDINGS = (
    TaskSource.WARNING,
    TaskSource.POLL,
    TaskSource.CASE,
    TaskSource.INTEGRITY,
    TaskSource.HALL,
    TaskSource.ASSESS,
    TaskSource.INSPECTION,
)


def measurable_tasks() -> Any:
    """Tasks whose aim data can check: made from a finding, or with targets (their own or
    their parent's)."""
    aims = Q(source__in=FINDINGS) | Q(targets__isnull=False) | Q(parent__targets__isnull=False)
    return Task.objects.filter(aims).distinct().select_related("region", "parent")
