"""The result of ``engine.compute`` as JSON-ready data and as Excel sheets."""

from __future__ import annotations

import io
import json
import math
from functools import partial
from typing import Any, BinaryIO, cast

import numpy as np
import polars as pl

from minsheng.core.index import alerts, progress
from minsheng.core.index.engine import IndexResult
from minsheng.core.index.model import Array
from minsheng.core.xlsx import Sheet


def _num(value: Any) -> float | None:
    v = float(value)
    return None if math.isnan(v) else v


def _int(value: Any) -> int | None:
    v = float(value)
    return None if math.isnan(v) else int(v)


def summary(result: IndexResult) -> list[dict[str, int]]:
    """Per region the seed's sentences: indicators reported, meeting target, below average,
    ranking first in the peer group."""
    present = ~np.isnan(result.values)
    met = result.status == progress.MET
    pol = result.panel.column("polarity")
    with np.errstate(invalid="ignore"):
        below = np.where(pol > 0, result.values < result.average, result.values > result.average)
    first = result.value_rank == 1
    return [
        {
            "indicators": int(present[r].sum()),
            "with_target": int((present[r] & ~np.isnan(result.panel.column("target"))).sum()),
            "met_target": int(met[r].sum()),
            "below_average": int((below[r] & present[r]).sum()),
            "rank_first": int((first[r] & present[r]).sum()),
        }
        for r in range(len(result.panel.regions))
    ]


def to_json(result: IndexResult) -> dict[str, Any]:
    """The whole result as JSON-ready data (``json_text`` writes the same, faster)."""
    columns = result.warnings.columns()
    return {
        "regions": _regions(result),
        "scores": _scores(result),
        "warnings": [
            dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)
        ],
        "policy": _policy(result),
    }


def json_text(result: IndexResult) -> str:
    """``json.dumps(to_json(result))``, as ``write_json`` writes it."""
    out = io.BytesIO()
    write_json(result, out)
    return out.getvalue().decode("utf-8")


def write_json(result: IndexResult, out: BinaryIO) -> None:
    """``json.dumps(to_json(result))`` written to ``out`` in a fraction of the time: the two
    long lists (a score per region and indicator, every warning) are built as columns and written
    by polars straight to the file."""
    panel = result.panel
    n_r, n_i = len(panel.regions), len(panel.indicators)

    def column(values: Array, dtype: type[pl.DataType] = pl.Float64) -> pl.Series:
        flat = np.asarray(values, dtype=np.float64).reshape(-1)
        return pl.Series(flat, nan_to_null=True).cast(dtype)

    scores = pl.DataFrame(
        {
            "region": np.repeat(np.asarray(panel.regions, dtype=object), n_i).tolist(),
            "indicator": [ind.code for ind in panel.indicators] * n_r,
            "value": column(result.values),
            "score": column(result.scores),
            "imputed": np.asarray(result.imputed, dtype=bool).reshape(-1),
            "rank": column(result.value_rank, pl.Int64),
            "attainment": column(result.attainment),
            "vs_average": column(result.vs_average),
            "status": pl.Series(np.asarray(progress.STATUS)[result.status.reshape(-1)]),
            "projection": column(result.projection),
        }
    )
    notes = pl.DataFrame(
        result.warnings.columns(),
        schema=dict.fromkeys(("region", "indicator", "rule", "severity", "message"), pl.String),
    )
    dumps = partial(json.dumps, ensure_ascii=False)
    out.write(f'{{"regions": {dumps(_regions(result))}, "scores": '.encode())
    scores.write_json(cast(io.IOBase, out))
    out.write(b', "warnings": ')
    notes.write_json(cast(io.IOBase, out))
    out.write(f', "policy": {dumps(_policy(result))}}}'.encode())


def _regions(result: IndexResult) -> list[dict[str, Any]]:
    panel, spread = result.panel, result.spread
    counts = summary(result)
    regions = []
    for r, code in enumerate(panel.regions):
        regions.append(
            {
                "region": code,
                "name": panel.names.get(code, code),
                "index": _num(result.index[r]),
                "rank": _int(result.rank[r]),
                "rank_p05": _int(spread.p05[r]) if spread else None,
                "rank_median": _int(spread.median[r]) if spread else None,
                "rank_p95": _int(spread.p95[r]) if spread else None,
                "previous_rank": _int(result.previous_rank[r]),
                "movement": _int(result.movement[r]),
                "categories": {
                    c: _num(result.category_index[r, k]) for k, c in enumerate(result.categories)
                },
                "summary": counts[r],
            }
        )
    regions.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["region"]))
    return regions


def _scores(result: IndexResult) -> list[dict[str, Any]]:
    panel = result.panel
    scores = []
    for r, code in enumerate(panel.regions):
        for i, ind in enumerate(panel.indicators):
            scores.append(
                {
                    "region": code,
                    "indicator": ind.code,
                    "value": _num(result.values[r, i]),
                    "score": _num(result.scores[r, i]),
                    "imputed": bool(result.imputed[r, i]),
                    "rank": _int(result.value_rank[r, i]),
                    "attainment": _num(result.attainment[r, i]),
                    "vs_average": _num(result.vs_average[r, i]),
                    "status": progress.STATUS[result.status[r, i]],
                    "projection": _num(result.projection[r, i]),
                }
            )
    return scores


def _policy(result: IndexResult) -> dict[str, Any]:
    panel, spread = result.panel, result.spread
    policy: dict[str, Any] = {
        "period": str(result.period),
        "peer_group": len(panel.regions),
        **result.policy.as_dict(),
        "average": {
            ind.code: {"value": _num(result.average[i]), "source": result.average_source[i]}
            for i, ind in enumerate(panel.indicators)
        },
        "rules": result.rules.as_dict(),
    }
    if spread is not None:
        policy["uncertainty"] = {
            "runs": spread.runs,
            "methods": spread.methods,
            "sensitivity": spread.sensitivity,
            "nominal_outside": int(spread.nominal_outside.sum()),
        }
    return policy


SEVERITY_LABELS = {"high": "严重", "medium": "关注", "low": "提示"}


def to_sheets(result: IndexResult) -> list[Sheet]:
    data = to_json(result)
    cats = list(result.categories)
    ranking = Sheet(
        "排名",
        [
            "地区代码",
            "地区",
            "水平指数",
            "排名",
            "排名P05",
            "排名中位数",
            "排名P95",
            "上期排名",
            "变动",
            *cats,
        ],
        [
            [
                row["region"],
                row["name"],
                row["index"],
                row["rank"],
                row["rank_p05"],
                row["rank_median"],
                row["rank_p95"],
                row["previous_rank"],
                row["movement"],
                *(row["categories"][c] for c in cats),
            ]
            for row in data["regions"]
        ],
    )
    scores = Sheet(
        "指标得分",
        [
            "地区代码",
            "指标代码",
            "数值",
            "得分",
            "插补",
            "指标排名",
            "目标达成率%",
            "与平均差",
            "进度",
            "预计值",
        ],
        [
            [
                s["region"],
                s["indicator"],
                s["value"],
                s["score"],
                "是" if s["imputed"] else "",
                s["rank"],
                s["attainment"],
                s["vs_average"],
                progress.STATUS_LABELS[s["status"]],
                s["projection"],
            ]
            for s in data["scores"]
        ],
    )
    warns = Sheet(
        "预警",
        ["地区代码", "指标代码", "规则", "级别", "说明"],
        [
            [
                w["region"],
                w["indicator"] or "（总指数）",
                alerts.RULE_LABELS[w["rule"]],
                SEVERITY_LABELS[w["severity"]],
                w["message"],
            ]
            for w in data["warnings"]
        ],
    )
    policy = Sheet(
        "口径",
        ["项目", "取值"],
        [[k, str(v)] for k, v in data["policy"].items()],
    )
    return [ranking, scores, warns, policy]
