"""Turning an ``IndexResult`` into the rows the pages and exports show, restricted to the
regions the user may see (ranks stay those within the whole peer group)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from minsheng.core.index import alerts, progress
from minsheng.core.index.engine import IndexResult
from minsheng.core.index.report import summary
from minsheng.core.xlsx import DECIMAL1, DECIMAL2, INTEGER, Sheet

STATUS_CLASS = {
    "met": "success",
    "on_track": "success",
    "at_risk": "warning",
    "off_track": "danger",
    "unknown": "secondary",
}
SEVERITY_CLASS = {"high": "danger", "medium": "warning", "low": "secondary"}


def num(value: Any) -> float | None:
    v = float(value)
    return None if math.isnan(v) else v


def whole(value: Any) -> int | None:
    v = float(value)
    return None if math.isnan(v) else int(v)


def status_label(code: str) -> str:
    return {
        "met": _("已达标"),
        "on_track": _("有望达标"),
        "at_risk": _("达标存在风险"),
        "off_track": _("难以按期达标"),
        "unknown": _("无目标或数据不足"),
    }[code]


def severity_label(code: str) -> str:
    return {"high": _("严重"), "medium": _("关注"), "low": _("提示")}[code]


def rule_label(code: str) -> str:
    return {
        "below_average": _("低于平均水平"),
        "off_track": _("难以按期达标"),
        "at_risk": _("达标存在风险"),
        "worse_running": _("连续变差"),
        "bottom_n": _("排名靠后"),
        "hall_target": _("大厅指标未达标"),
    }[code]


@dataclass(frozen=True, slots=True)
class RankRow:
    code: str
    name: str
    index: float | None
    rank: int | None
    p05: int | None
    median: int | None
    p95: int | None
    previous: int | None
    movement: int | None
    categories: list[float | None]
    met: int
    below: int
    first: int
    indicators: int


def rank_rows(result: IndexResult, visible: set[str]) -> list[RankRow]:
    spread = result.spread
    counts = summary(result)
    rows = [
        RankRow(
            code=code,
            name=result.panel.names.get(code, code),
            index=num(result.index[r]),
            rank=whole(result.rank[r]),
            p05=whole(spread.p05[r]) if spread else None,
            median=whole(spread.median[r]) if spread else None,
            p95=whole(spread.p95[r]) if spread else None,
            previous=whole(result.previous_rank[r]),
            movement=whole(result.movement[r]),
            categories=[num(v) for v in result.category_index[r]],
            met=counts[r]["met_target"],
            below=counts[r]["below_average"],
            first=counts[r]["rank_first"],
            indicators=counts[r]["indicators"],
        )
        for r, code in enumerate(result.panel.regions)
        if code in visible
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.code))
    return rows


def rank_sheet(result: IndexResult, rows: list[RankRow], *, caption: str = "") -> Sheet:
    return Sheet(
        _("排名"),
        [
            _("地区代码"),
            _("地区"),
            _("水平指数"),
            _("排名"),
            _("排名区间下限（P05）"),
            _("排名区间上限（P95）"),
            _("上期排名"),
            _("变动"),
            _("达标指标数"),
            _("低于平均指标数"),
            _("排名第一指标数"),
            *result.categories,
        ],
        [
            [
                r.code,
                r.name,
                r.index,
                r.rank,
                r.p05,
                r.p95,
                r.previous,
                r.movement,
                r.met,
                r.below,
                r.first,
                *r.categories,
            ]
            for r in rows
        ],
        formats=[None, None, DECIMAL2, *[INTEGER] * 8, *[DECIMAL2] * len(result.categories)],
        caption=caption,
    )


@dataclass(frozen=True, slots=True)
class ScoreRow:
    code: str
    name: str
    category: str
    unit: str
    decimals: int
    value: float | None
    score: float | None
    rank: int | None
    peers: int
    attainment: float | None
    target: float | None
    average: float | None
    vs_average: float | None
    status: str
    best: float | None
    projection: float | None

    @property
    def status_class(self) -> str:
        return STATUS_CLASS[self.status]

    @property
    def status_label(self) -> str:
        """Why there is no verdict, when there is none: not reported, no target, or too few
        periods to project."""
        if self.status == "unknown":
            if self.value is None:
                return _("缺报")
            if self.target is None:
                return _("无目标")
            return _("数据期数不足")
        return status_label(self.status)


def score_rows(result: IndexResult, region: str) -> list[ScoreRow]:
    r = result.panel.regions.index(region)
    target = result.panel.column("target")
    peers = (~np.isnan(result.values)).sum(axis=0)  # regions reporting each indicator
    return [
        ScoreRow(
            code=ind.code,
            name=ind.name,
            category=ind.category,
            unit=ind.unit,
            decimals=ind.decimals,
            value=num(result.values[r, i]),
            score=num(result.scores[r, i]),
            rank=whole(result.value_rank[r, i]),
            peers=int(peers[i]),
            attainment=num(result.attainment[r, i]),
            target=num(target[i]),
            average=num(result.average[i]),
            vs_average=num(result.vs_average[r, i]),
            status=progress.STATUS[result.status[r, i]],
            projection=num(result.projection[r, i]),
            best=ind.best,
        )
        for i, ind in enumerate(result.panel.indicators)
    ]


def score_sheet(rows: list[ScoreRow], region_name: str, *, caption: str = "") -> Sheet:
    return Sheet(
        region_name,
        [
            _("指标代码"),
            _("指标"),
            _("类别"),
            _("单位"),
            _("数值"),
            _("得分"),
            _("同组排名"),
            _("同组地区数"),
            _("目标值"),
            _("目标达成率%"),
            _("省平均"),
            _("与平均差"),
            _("省最优"),
            _("进度"),
        ],
        [
            [
                s.code,
                s.name,
                s.category,
                s.unit,
                s.value,
                s.score,
                s.rank,
                s.peers,
                s.target,
                s.attainment,
                s.average,
                s.vs_average,
                s.best,
                s.status_label,
            ]
            for s in rows
        ],
        formats=[None, None, None, None, DECIMAL2, DECIMAL2, INTEGER, INTEGER, DECIMAL2, DECIMAL1]
        + [DECIMAL2] * 3,
        caption=caption,
    )


@dataclass(frozen=True, slots=True)
class WarningRow:
    region: str
    region_name: str
    indicator: str | None
    indicator_name: str
    rule: str
    severity: str
    message: str
    metric: str = ""  # a hall metric's key, for the hall's entries

    @property
    def severity_class(self) -> str:
        return SEVERITY_CLASS[self.severity]

    @property
    def severity_label(self) -> str:
        return severity_label(self.severity)

    @property
    def rule_label(self) -> str:
        return rule_label(self.rule)


def category_reason(rows: list[ScoreRow], category: str) -> str:
    """Why a category has no score for the region: no indicator of it applies, every one was
    left unreported, or none could be scored among the peers."""
    own = [r for r in rows if r.category == category]
    if not own:
        return str(_("本地区没有这一类的指标"))
    if all(r.value is None for r in own):
        return str(_("这一类的 %(n)s 项指标均缺报") % {"n": len(own)})
    return str(_("这一类的指标在对标组内无法计分（各地区数值相同或缺报过多）"))


def warning_rows(
    result: IndexResult,
    visible: set[str],
    *,
    severity: str = "",
    rule: str = "",
    indicators: set[str] | None = None,
) -> list[WarningRow]:
    """``indicators``: only warnings on these indicator codes (a department's own)."""
    names = result.panel.names
    return [
        WarningRow(
            region=w.region,
            region_name=names.get(w.region, w.region),
            indicator=w.code,
            indicator_name=w.indicator.name if w.indicator else _("水平指数"),
            rule=w.rule,
            severity=w.severity,
            message=w.message,
        )
        for w in result.warnings
        if w.region in visible
        and (indicators is None or w.code in indicators)
        and (not severity or w.severity == severity)
        and (not rule or w.rule == rule)
    ]


def warning_sheet(rows: list[WarningRow], *, caption: str = "") -> Sheet:
    return Sheet(
        _("预警"),
        [_("地区代码"), _("地区"), _("指标代码"), _("指标"), _("规则"), _("级别"), _("说明")],
        [
            [
                w.region,
                w.region_name,
                w.indicator or "",
                w.indicator_name,
                w.rule_label,
                w.severity_label,
                w.message,
            ]
            for w in rows
        ],
        caption=caption,
    )


def indicator_rows(result: IndexResult, code: str, visible: set[str]) -> list[dict[str, Any]]:
    """One indicator across the visible regions of the peer group, best first."""
    i = [ind.code for ind in result.panel.indicators].index(code)
    rows = [
        {
            "code": rc,
            "name": result.panel.names.get(rc, rc),
            "value": num(result.values[r, i]),
            "score": num(result.scores[r, i]),
            "rank": whole(result.value_rank[r, i]),
            "status": status_label(progress.STATUS[result.status[r, i]]),
        }
        for r, rc in enumerate(result.panel.regions)
        if rc in visible
    ]
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0))
    return rows


RULES = (*alerts.RULE_LABELS, "hall_target")  # the last from the catalog's hall metrics
