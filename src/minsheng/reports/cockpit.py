"""领导驾驶舱: one page a mayor reads in a minute — the quarter's figures of the region (the same
``quarter_facts`` as the quarterly report, so the cockpit and the report agree), the five
weakest spots each with the tasks under way about it, and the child regions' figures for the
map (level index, satisfaction, 好评率, overdue tasks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from minsheng.core.index.periods import Period
from minsheng.core.reports.quarterly import QuarterFacts, pct, score
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.indicators.selectors import index_result
from minsheng.orgs.models import Region
from minsheng.orgs.selectors import office_name
from minsheng.reports.facts import FactsError, quarter_days, quarter_facts
from minsheng.reports.models import Boundary
from minsheng.reviews.selectors import RatingSlice, rating_stats
from minsheng.supervision.board import tally
from minsheng.supervision.models import Task

MAP_FIGURES = {
    "index": "水平指数",
    "poll": "满意度",
    "ratings": "好评率",
    "overdue": "逾期任务",
}


@dataclass(frozen=True, slots=True)
class TaskLink:
    title: str
    state: str
    url: str


@dataclass(slots=True)
class Spot:
    kind: str
    text: str
    url: str
    tasks: list[TaskLink] = field(default_factory=list)


@dataclass(slots=True)
class Cockpit:
    region: Region
    period: Period
    facts: QuarterFacts | None
    message: str = ""
    spots: list[Spot] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    map_figure: str = "index"
    map_values: dict[str, float] = field(default_factory=dict)  # child region name → value
    boundaries: dict[str, Any] | None = None
    generated_map: bool = False


def _tasks(keys: list[str] | None = None, prefix: str = "") -> list[TaskLink]:
    """The tasks made from a finding (by their source keys), first due first."""
    found = Task.objects.none()
    if keys:
        found = Task.objects.filter(source_key__in=keys)
    elif prefix:
        found = Task.objects.filter(source_key__startswith=prefix)
    return [
        TaskLink(t.title, t.get_state_display(), reverse("supervision_task", args=[t.pk]))
        for t in found.order_by("due", "pk")[:3]
    ]


def _spots(region: Region, period: Period, facts: QuarterFacts, *, inspections: bool) -> list[Spot]:
    spots: list[Spot] = []
    if facts.poll is not None:
        for item in facts.poll.weakest[:2]:
            spots.append(
                Spot(
                    "群众满意度",
                    f"“{item.name}”得分{score(item.value)}分",
                    reverse("poll_detail", args=[facts.poll.poll_id]),
                    _tasks(prefix=f"poll:{facts.poll.poll_id}:{item.key}:"),
                )
            )
    if facts.index is not None:
        for name, code in list(zip(facts.index.below, facts.index.below_codes, strict=True))[:2]:
            spots.append(
                Spot(
                    "指标监测",
                    f"{name}低于平均水平",
                    reverse("indicator_scorecard", args=[region.code]) + f"?period={period}",
                    _tasks(prefix=f"warning:{region.code}:{code}:"),
                )
            )
    if facts.hall is not None:
        for metric in facts.hall.metrics:
            if metric.detail.startswith("未达到"):
                spots.append(
                    Spot(
                        "大厅指标",
                        f"{metric.name}{pct(metric.value)}，{metric.detail}",
                        reverse("catalog_metrics"),
                        _tasks(keys=[f"hall:{region.code}:{metric.key}:{facts.hall.year}"]),
                    )
                )
        for site in facts.hall.worst[:1]:
            spots.append(
                Spot(
                    "明察暗访",
                    f"{site.name}检查得分{score(site.value)}分",
                    reverse("inspection_visit", args=[int(site.key)]) if inspections else "",
                    _tasks(keys=[f"inspection:{site.key}"]),
                )
            )
    if facts.ratings is not None and facts.ratings.short:
        names = "、".join(n.name for n in facts.ratings.short[:3])
        spots.append(Spot("好差评", f"{names}差评整改未全部完成", reverse("review_inbox")))
    if facts.tasks is not None and facts.tasks.overdue:
        spots.append(
            Spot(
                "督办",
                f"{facts.tasks.overdue}项督办任务逾期",
                reverse("supervision_tasks") + "?state=assigned",
            )
        )
    return spots[:5]


def map_values(
    region: Region, period: Period, figure: str, facts: QuarterFacts | None
) -> dict[str, float]:
    """Each child region's figure for the map, by name."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return {}
    start, end = quarter_days(period)
    if figure == "index":
        result = index_result(children, period)
        return {
            result.panel.names.get(code, code): round(float(v), 2)
            for code, v in zip(result.panel.regions, result.index, strict=True)
            if v == v
        }
    if figure == "poll" and facts is not None and facts.poll is not None:
        return {u.name: round(u.value or 0, 2) for u in facts.poll.units if u.value is not None}
    if figure == "ratings":
        begin = dt.datetime.combine(start, dt.time(), tzinfo=SHANGHAI)
        stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
        return {
            g.group: round(100 * g.good_rate, 2)
            for g in rating_stats(RatingSlice(begin, stop, region), "region", root=region)
            if g.good_rate is not None
        }
    if figure == "overdue":
        today = min(end, timezone.localdate())
        return {
            child.name: float(
                tally(Task.objects.filter(**child.subtree_filter("region__")), today).overdue
            )
            for child in children
        }
    return {}


def cockpit_json(board: Cockpit) -> dict[str, Any]:
    """The cockpit as data (the command's and the API's answer)."""
    return {
        "region": board.region.code,
        "period": str(board.period),
        "message": board.message,
        "facts": asdict(board.facts) if board.facts is not None else None,
        "spots": [
            {"kind": s.kind, "text": s.text, "url": s.url, "tasks": [asdict(t) for t in s.tasks]}
            for s in board.spots
        ],
        "links": board.links,
        "map": {"figure": board.map_figure, "values": board.map_values},
    }


def cockpit(
    region: Region, period: Period, figure: str = "index", *, inspections: bool = True
) -> Cockpit:
    """``inspections``: whether the reader may open inspection visits (the office and leaders);
    the spot is shown without its link otherwise."""
    today = timezone.localdate()
    try:
        facts: QuarterFacts | None = quarter_facts(
            region, period, issuer=office_name(region), today=today
        )
    except FactsError as exc:
        facts, message = None, str(exc)
    else:
        message = ""
    board = Cockpit(region, period, facts, message, map_figure=figure)
    if facts is not None:
        board.spots = _spots(region, period, facts, inspections=inspections)
        board.links = {
            "index": reverse("indicator_scorecard", args=[region.code]) + f"?period={period}",
            "poll": reverse("poll_detail", args=[facts.poll.poll_id]) if facts.poll else "",
            "ratings": reverse("review_stats"),
            "tasks": reverse("supervision_board"),
            "hall": reverse("catalog_metrics"),
            "inspections": reverse("inspection_list") if inspections else "",
        }
    board.map_values = map_values(region, period, figure, facts)
    stored = Boundary.objects.filter(region=region).first()
    if stored is not None:
        board.boundaries, board.generated_map = stored.geojson, stored.generated
    return board
