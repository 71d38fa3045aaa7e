"""Honest reporting for many regions over eight quarters — levels that differ, trends, noise,
slow counts that often stay the same, shares built from their parts, targets near the typical
level — and the documented ways figures are made up, planted in one region at a time: how the
indicator checks' recall and false alarms are measured (tests/core/integrity, bench/)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from minsheng.core.integrity.indicators import IndicatorInfo, Reports, find
from minsheng.core.integrity.simulate import Measured

PERIODS = 8


def clean_reports(rng: np.random.Generator, regions: int = 100, indicators: int = 30) -> Reports:
    infos: list[IndicatorInfo] = []
    values = np.full((regions, indicators, PERIODS), np.nan)
    targets = np.full((regions, indicators), np.nan)
    parts: dict[int, tuple[int, int]] = {}
    t = np.arange(PERIODS)
    i = 0
    while i < indicators:
        code, name = f"I{i:02d}", f"指标{i:02d}"
        if i % 10 == 4 and i + 2 < indicators:  # a share (%) and its two parts, both counts
            whole = rng.lognormal(np.log(2000), 0.5, regions)[:, None] * np.exp(
                rng.normal(0, 0.02, (regions, PERIODS))
            )
            rate = np.clip(
                rng.beta(8, 2, regions)[:, None] + rng.normal(0, 0.01, (regions, PERIODS)), 0, 1
            )
            whole = np.round(whole)
            part = np.floor(whole * rate)
            values[:, i, :] = np.round(100 * part / whole, 2)
            values[:, i + 1, :] = part
            values[:, i + 2, :] = whole
            infos += [
                IndicatorInfo(code, name, 2, 1, True),
                IndicatorInfo(f"I{i + 1:02d}", f"指标{i + 1:02d}", 0, 1, False),
                IndicatorInfo(f"I{i + 2:02d}", f"指标{i + 2:02d}", 0, 1, False),
            ]
            parts[i] = (i + 1, i + 2)
            i += 3
            continue
        if i % 5 == 3:  # a slow count (service centres, hospitals): often unchanged
            decimals = 0
            level = rng.integers(5, 40, regions).astype(float)
            steps = (rng.random((regions, PERIODS)) < 0.15) * rng.choice(
                [-1, 1], (regions, PERIODS)
            )
            series = level[:, None] + np.cumsum(steps, 1)
        else:
            decimals = int(rng.choice([0, 1, 2]))
            level = rng.lognormal(np.log(rng.uniform(50, 5000)), 0.4, regions)
            trend = rng.normal(0.01, 0.01, regions)
            noise = rng.normal(0, 0.03, (regions, PERIODS))
            series = level[:, None] * np.exp(trend[:, None] * t[None, :] + noise)
        values[:, i, :] = np.round(series, decimals)
        infos.append(IndicatorInfo(code, name, decimals, int(rng.choice([1, -1])), False))
        if rng.random() < 0.5:
            targets[:, i] = np.round(np.median(series[:, -1]) * rng.uniform(0.9, 1.1), decimals)
        i += 1
    departments = np.array(
        [f"部门{'甲乙丙丁戊己'[i % 6]}" for i in range(len(infos))], dtype=object
    )
    reporters = np.tile(departments, (regions, 1))  # a department reports its indicators everywhere
    return Reports(
        [f"{330100 + r:06d}" for r in range(regions)], infos, values, targets, parts, reporters
    )


def _copy(reports: Reports) -> Reports:
    return replace(reports, values=reports.values.copy(), targets=reports.targets.copy())


def plant_digits(reports: Reports, r: int, rng: np.random.Generator) -> Reports:
    """The region rounds its figures of the last four periods to a 0 or 5 in the last digit."""
    out = _copy(reports)
    for i, ind in enumerate(out.indicators):
        scale = 10.0**ind.decimals
        v = out.values[r, i, -4:] * scale
        out.values[r, i, -4:] = np.where(np.abs(v) >= 100, np.round(v / 5) * 5, v) / scale
    return out


def plant_repeated(
    reports: Reports, r: int, rng: np.random.Generator, share: float = 0.5
) -> Reports:
    """``share`` of the region's figures copied from the previous period."""
    out = _copy(reports)
    copy = rng.random(len(out.indicators)) < share
    out.values[r, copy, -1] = out.values[r, copy, -2]
    return out


def plant_outlier(reports: Reports, r: int, rng: np.random.Generator, size: float = 0.5) -> Reports:
    """One figure improved by ``size`` of its level in a quarter (50 %: a figure that halves
    the gap to a goal overnight)."""
    out = _copy(reports)
    candidates = [
        i
        for i, ind in enumerate(out.indicators)
        if not ind.share and i not in {p for ps in out.parts.values() for p in ps}
    ]
    i = int(rng.choice(candidates))
    ind = out.indicators[i]
    v = out.values[r, i, -1]
    out.values[r, i, -1] = np.round(v * (1 + size * ind.polarity), ind.decimals)
    return out


def plant_ratio(reports: Reports, r: int, rng: np.random.Generator) -> Reports:
    """A share whose numerator was inflated past its denominator."""
    out = _copy(reports)
    num, den = next(iter(out.parts.values()))
    out.values[r, num, -1] = out.values[r, den, -1] * 1.05
    return out


def plant_on_target(reports: Reports, r: int, rng: np.random.Generator) -> Reports:
    """Every figure with a target reported exactly on it."""
    out = _copy(reports)
    has = np.isfinite(out.targets[r])
    out.values[r, has, -1] = out.targets[r, has]
    return out


def _reporters(reports: Reports) -> np.ndarray:
    if reports.reporters is None:
        raise ValueError("these reports do not say who reported them")
    return reports.reporters


def plant_department_on_target(reports: Reports, department: str) -> Reports:
    """Every figure a department reports with a target, in every region, exactly on it."""
    out = _copy(reports)
    cells = (_reporters(out) == department) & np.isfinite(out.targets)
    out.values[:, :, -1] = np.where(cells, out.targets, out.values[:, :, -1])
    return out


INDICATOR_PLANTS: dict[str, Callable[[Reports, int, np.random.Generator], Reports]] = {
    "digits": plant_digits,
    "repeated": plant_repeated,
    "outlier": plant_outlier,
    "ratio": plant_ratio,
    "on_target": plant_on_target,
}


def measure_indicators(seeds: range, *, regions: int = 100, planted: int = 5) -> list[Measured]:
    found: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    units = 0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        clean = clean_reports(rng, regions)
        units += regions
        for f in {(f.kind, f.unit) for f in find(clean)}:
            flagged[f[0]] += 1
        for kind, plant in INDICATOR_PLANTS.items():
            chosen = [int(r) for r in rng.choice(regions, planted, replace=False)]
            gamed = clean
            for r in chosen:
                gamed = plant(gamed, r, rng)
            hits = {f.unit for f in find(gamed) if f.kind == kind}
            found[kind] += len(hits & {clean.regions[r] for r in chosen})
    rows = [
        Measured(k, planted * len(seeds), found[k], units, flagged[k]) for k in INDICATOR_PLANTS
    ]
    return [*rows, _departments(seeds, regions)]


def _departments(seeds: range, regions: int) -> Measured:
    """The department-wide version of ``on_target``: a department planted, the others clean."""
    found = flagged = units = 0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        clean = clean_reports(rng, regions)
        names = sorted({str(u) for u in _reporters(clean).ravel()})
        units += len(names)
        flagged += len({f.unit for f in find(clean) if f.subject == "reporter"})
        with_targets = [
            n for n in names if (np.isfinite(clean.targets) & (_reporters(clean) == n)).any()
        ]
        chosen = str(rng.choice(with_targets))
        gamed = plant_department_on_target(clean, chosen)
        found += any(f.unit == chosen and f.subject == "reporter" for f in find(gamed))
    return Measured("on_target", len(seeds), found, units, flagged, unit="department")
