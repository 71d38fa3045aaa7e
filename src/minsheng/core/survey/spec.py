"""A survey estimation request as JSON (the ``minsheng survey estimate`` SPEC file), read and
run. Field names mirror R's ``svydesign``:

    {"data": "apiclus2.csv", "ids": ["dnum", "snum"], "strata": null, "weights": null,
     "fpc": ["fpc1", "fpc2"], "nest": false, "lonely_psu": "fail",
     "calibrate": null | {"method": "poststratify" | "rake",
                          "margins": {"stype": {"E": 4421, "H": 755, "M": 1018}, ...}},
     "trim": null | {"upper": 40, "lower": 5, "strict": true},   (R's trimWeights)
     "replicates": null | {"type": "JK1" | "bootstrap", "n": 200, "seed": 1},
     "estimates": [{"stat": "mean" | "total" | "ratio", "var": "api00", "by": null,
                    "denominator": null}]}

With both ``calibrate`` and ``replicates``, replicate weights are made from the design and
each replicate is calibrated again, as R's ``postStratify``/``rake`` on ``as.svrepdesign``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from minsheng.core.columnar import read_columns
from minsheng.core.survey.calibrate import Method, calibrate, read_margins
from minsheng.core.survey.design import LONELY_CHOICES, DesignError, LonelyPsu, build_design
from minsheng.core.survey.estimate import STAT_CHOICES, Estimate, Stat, Survey, estimate
from minsheng.core.survey.frame import Frame
from minsheng.core.survey.replicates import KIND_CHOICES, bootstrap, jk1
from minsheng.core.survey.weights import trim
from minsheng.core.tabular import TableError

KEYS = {
    "data",
    "ids",
    "strata",
    "weights",
    "fpc",
    "nest",
    "lonely_psu",
    "calibrate",
    "replicates",
    "estimates",
}


class SpecError(ValueError):
    """The SPEC cannot be run; the message says why (in Chinese and English)."""


def _names(spec: Mapping[str, Any], key: str) -> list[str]:
    value = spec.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise SpecError(f"{key} 须为列名或列名列表 / {key} must be a column name or a list of them")


def load_frame(path: Path) -> Frame:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"无法读取数据文件 {path}：{exc.strerror} / cannot read {path}") from None
    try:
        columns = read_columns(data, filename=path.name)
    except TableError as exc:
        raise SpecError(f"{path.name}：{exc.errors[0]}") from None
    return Frame.from_text(columns.frame)


def read_spec(path: Path) -> dict[str, Any]:
    try:
        spec = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise SpecError(f"无法读取 {path}：{exc.strerror} / cannot read {path}") from None
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"{path.name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）/ not valid "
            f"JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from None
    if not isinstance(spec, dict):
        raise SpecError("SPEC 须为 JSON 对象 / the SPEC must be a JSON object")
    unknown = sorted(set(spec) - KEYS)
    if unknown:
        raise SpecError(f"SPEC 中有未知字段 {unknown} / unknown fields {unknown}")
    if not isinstance(spec.get("data"), str):
        raise SpecError('SPEC 缺少 "data"（数据文件路径） / "data" (the data file) is missing')
    return spec


def build_survey(spec: Mapping[str, Any], frame: Frame) -> Survey:
    lonely = spec.get("lonely_psu") or "fail"
    if lonely not in LONELY_CHOICES:
        raise SpecError(f"lonely_psu 须为 {', '.join(LONELY_CHOICES)} 之一 / must be one of them")
    weights = spec.get("weights")
    if weights is not None and not isinstance(weights, str):
        raise SpecError("weights 须为一个列名 / weights must be one column name")
    design = build_design(
        frame,
        ids=_names(spec, "ids"),
        strata=_names(spec, "strata"),
        weights=weights,
        fpc=_names(spec, "fpc"),
        nest=bool(spec.get("nest", False)),
        lonely_psu=cast(LonelyPsu, lonely),
    )
    replicates = None
    rep = spec.get("replicates")
    if rep is not None:
        if not isinstance(rep, dict) or rep.get("type") not in KIND_CHOICES:
            raise SpecError('replicates.type 须为 "JK1" 或 "bootstrap" / must be JK1 or bootstrap')
        if rep["type"] == "JK1":
            replicates = jk1(design)
        else:
            count, seed = rep.get("n", 50), rep.get("seed", 0)
            if not isinstance(count, int) or not isinstance(seed, int):
                raise SpecError("replicates.n 与 seed 须为整数 / n and seed must be integers")
            replicates = bootstrap(design, count, seed)
    calibration = None
    cal = spec.get("calibrate")
    if cal is not None:
        if not isinstance(cal, dict) or cal.get("method") not in ("poststratify", "rake"):
            raise SpecError(
                'calibrate.method 须为 "poststratify" 或 "rake" / must be poststratify or rake'
            )
        margins = cal.get("margins")
        if not isinstance(margins, dict) or not all(isinstance(v, dict) for v in margins.values()):
            raise SpecError(
                "calibrate.margins 须为 {变量: {类别: 总体数}} / margins must be "
                "{variable: {category: count}}"
            )
        design, calibration = calibrate(
            design,
            read_margins(frame, margins),
            cast(Method, cal["method"]),
            maxit=int(cal.get("maxit", 10)),
            epsilon=float(cal.get("epsilon", 1.0)),
        )
    cut = spec.get("trim")
    if cut is not None:
        if not isinstance(cut, dict) or not set(cut) <= {"upper", "lower", "strict"}:
            raise SpecError(
                'trim 须为 {"upper", "lower", "strict"} / trim takes upper, lower, strict'
            )
        bounds = [cut.get("upper", float("inf")), cut.get("lower", float("-inf"))]
        if not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds):
            raise SpecError("trim 的上下限须为数字 / trim bounds must be numbers")
        design = design.with_weights(
            trim(design.weights, upper=bounds[0], lower=bounds[1], strict=bool(cut.get("strict")))
        )
    return Survey(frame, design, calibration, replicates)


def run_estimates(survey: Survey, requests: Sequence[Any]) -> list[Estimate]:
    if not isinstance(requests, list) or not requests:
        raise SpecError("estimates 须为非空列表 / estimates must be a non-empty list")
    out: list[Estimate] = []
    for i, request in enumerate(requests, start=1):
        if not isinstance(request, dict):
            raise SpecError(f"estimates 第 {i} 项须为对象 / estimate {i} must be an object")
        stat = request.get("stat", "mean")
        if stat not in STAT_CHOICES:
            raise SpecError(f"estimates 第 {i} 项：stat 须为 mean、total 或 ratio / bad stat")
        var = request.get("var")
        if not isinstance(var, str):
            raise SpecError(f"estimates 第 {i} 项缺少 var / estimate {i} has no var")
        by = _names(request, "by")
        denominator = request.get("denominator")
        out.extend(estimate(survey, cast(Stat, stat), var, by=by, denominator=denominator))
    return out


def run_spec(path: Path) -> list[Estimate]:
    spec = read_spec(path)
    frame = load_frame((path.parent / spec["data"]).resolve())
    try:
        survey = build_survey(spec, frame)
        return run_estimates(survey, spec.get("estimates", []))
    except DesignError as exc:
        raise SpecError(str(exc)) from None
