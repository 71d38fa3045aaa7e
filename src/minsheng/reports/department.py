"""A department's own section of the quarterly report (部门情况): the indicators it leads, where
its region stands on each among its peers; the poll items that rate it; its supervision tasks —
gathered the way the pages compute them, written in the report's phrasing, printed by the
documents engine like every other document."""

from __future__ import annotations

import datetime as dt

from minsheng.core.index.periods import Period
from minsheng.core.reports.content import Content, Section, Table, numbered
from minsheng.core.reports.quarterly import pct, score
from minsheng.core.workdays.calendar import chinese_date
from minsheng.indicators.results import score_rows
from minsheng.indicators.selectors import index_result, region_peers
from minsheng.orgs.models import Organisation
from minsheng.orgs.selectors import office_name
from minsheng.polls.models import Poll
from minsheng.polls.results import poll_results
from minsheng.reports.facts import UI_RUNS, FactsError, quarter_days
from minsheng.supervision.board import tally
from minsheng.supervision.models import Task, TaskState

STATUS = {
    "met": "已达到目标",
    "on_track": "进度正常",
    "at_risk": "存在风险",
    "off_track": "难以按期达标",
}


def _indicators(org: Organisation, period: Period) -> Section:
    region = org.region
    polarity = dict(org.lead_indicators.values_list("code", "polarity"))
    codes = set(polarity)
    section = Section("牵头指标")
    peers = region_peers(region)
    if not codes or region not in peers:
        return section
    rows = [r for r in score_rows(index_result(peers, period, runs=UI_RUNS), region.code)
            if r.code in codes and r.value is not None]  # fmt: skip
    if not rows:
        return section
    met = [r for r in rows if r.status == "met"]
    below = [r for r in rows if r.vs_average is not None and r.vs_average * polarity[r.code] < 0]
    section.paragraphs.append(
        f"本部门牵头的{len(rows)}项指标中，已达到目标{len(met)}项"
        + (f"；低于平均水平的有{'、'.join(r.name for r in below[:6])}" if below else "")
        + "。"
    )
    section.tables.append(
        Table(
            "",
            ["指标", "本期值", "目标", "平均", "排名", "进度"],
            [
                [r.name, f"{r.value:.{r.decimals}f}{r.unit}",
                 "—" if r.target is None else f"{r.target:.{r.decimals}f}",
                 "—" if r.average is None else f"{r.average:.{r.decimals}f}",
                 f"{r.rank}/{r.peers}" if r.rank else "—", STATUS.get(r.status, "—")]
                for r in rows
            ],
            [False, True, True, True, True, False],
        )
    )  # fmt: skip
    return section


def _poll(org: Organisation, period: Period) -> Section:
    section = Section("群众评价")
    region = org.region
    poll = Poll.objects.filter(region=region, round=str(period)).order_by("-pk").first()
    if poll is None:
        return section
    items = [i for i in poll_results(poll, "county").items if i.department == org.name]
    if not items:
        return section
    mean = sum(i.score for i in items) / len(items)
    weakest = min(items, key=lambda i: i.score)
    section.paragraphs.append(
        f"{poll.name}中评价本部门的{len(items)}道题平均得分{score(mean)}分，"
        f"得分最低的是“{weakest.text}”（{score(weakest.score)}分）。"
    )
    return section


def _tasks(org: Organisation, start: dt.date, end: dt.date, today: dt.date) -> Section:
    section = Section("督办任务")
    mine = Task.objects.filter(unit=org)
    counted = tally(mine.filter(due__gte=start, due__lte=end), min(end, today))
    waiting = mine.exclude(state=TaskState.ACCEPTED).order_by("due", "pk")[:20]
    if not counted.tasks and not waiting:
        return section
    if counted.tasks:
        section.paragraphs.append(
            f"本期到期的督办任务{counted.tasks}项，已办结{counted.accepted}项，"
            f"逾期{counted.overdue}项，按时办结率{pct(counted.on_time_rate)}。"
        )
    if waiting:
        section.tables.append(
            Table(
                "未办结的督办任务",
                ["任务", "期限", "进展"],
                [[t.title, chinese_date(t.due) + ("（已逾期）" if t.due and t.due < today else ""),
                  f"{t.get_state_display()}（{t.percent}%）"] for t in waiting],
            )
        )  # fmt: skip
    return section


def department_report(org: Organisation, period: Period, *, today: dt.date) -> Content:
    """The department's section for ``period`` (a quarter), or ``FactsError`` without data."""
    start, end = quarter_days(period)
    sections = numbered(
        [_indicators(org, period), _poll(org, period), _tasks(org, start, end, today)]
    )
    if not sections:
        raise FactsError(f"{org.name}{period.label}没有可报告的数据")
    return Content(
        title=f"{org.name}公共服务质量情况",
        subtitle=f"（{period.label}）",
        issuer=office_name(org.region),
        date=chinese_date(today),
        sections=sections,
    )
