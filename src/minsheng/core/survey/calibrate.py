"""Post-stratification and raking to population counts, as R's ``postStratify`` and ``rake``.

Post-stratification scales the weights of each category so they add up to its population
count. Raking (iterative proportional fitting) post-stratifies on each margin in turn until
the joint weighted table moves by less than ``epsilon`` (R's default 1, an absolute count) or
``maxit`` passes (10) are done. Each step is kept, because the Taylor variance of a calibrated
design uses the weights each step produced (``residualise``), exactly as R's ``svyrecvar``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from minsheng.core.survey.design import Design, DesignError
from minsheng.core.survey.frame import Floats, Frame, Ints
from minsheng.core.survey.weights import trim

Method = Literal["poststratify", "rake"]
RAKE_PASSES = 10  # R's svyrecvar projects raked influence values this many times


@dataclass(frozen=True, slots=True)
class Margin:
    name: str
    codes: Ints  # per row: index into ``population``
    population: Floats  # population count per category


@dataclass(frozen=True, slots=True)
class Step:
    codes: Ints
    weights: Floats  # the weights right after this step
    old: Floats  # the weights right before it


@dataclass(frozen=True, slots=True)
class Calibration:
    method: Method
    margins: tuple[Margin, ...]
    steps: tuple[Step, ...]  # poststratify: one; rake: one per margin of the last pass
    passes: int  # how many times every margin was applied
    converged: bool
    base_weights: Floats  # the design weights before calibration

    @property
    def cell(self) -> Ints:
        """The combination of all margin categories, per row."""
        stacked = np.stack([m.codes for m in self.margins], axis=1)
        return np.unique(stacked, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)


def read_margins(frame: Frame, margins: Mapping[str, Mapping[str, float]]) -> list[Margin]:
    """Match each margin's categories to the data; every mismatch is an error."""
    out = []
    for name, counts in margins.items():
        if name not in frame:
            raise DesignError(f"calibrate：数据中没有列 {name} / no column {name!r} in the data")
        column = frame[name]
        if column.missing.any():
            row = int(np.flatnonzero(column.missing)[0]) + 2
            raise DesignError(
                f"calibrate：列 {name} 第 {row} 行为空 / column {name!r} is missing in row {row}"
            )
        labels, codes = column.codes()
        wanted = {str(k): v for k, v in counts.items()}
        unknown = [label for label in labels if label not in wanted]
        if unknown:
            raise DesignError(
                f"calibrate：列 {name} 的类别 {', '.join(unknown)} 不在总体边际中 / categories "
                f"{unknown} of {name!r} are in the data but not in the margins"
            )
        bad = [k for k, v in wanted.items() if not _count(v)]
        if bad:
            raise DesignError(
                f"calibrate：{name} 的总体数须为非负数字（{', '.join(bad)}） / population counts "
                f"of {name!r} must be non-negative numbers: {bad}"
            )
        absent = [k for k, v in wanted.items() if k not in labels and float(v) > 0]
        if absent:
            raise DesignError(
                f"calibrate：{name} 的类别 {', '.join(absent)} 在样本中没有 / categories "
                f"{absent} of {name!r} have a population but no sample"
            )
        empty = [k for k in labels if float(wanted[k]) == 0]
        if empty:
            raise DesignError(
                f"calibrate：{name} 的类别 {', '.join(empty)} 总体为 0 但样本中有 / categories "
                f"{empty} of {name!r} are in the sample but have no population"
            )
        population = np.array([float(wanted[label]) for label in labels])
        out.append(Margin(name, codes, population))
    if not out:
        raise DesignError("calibrate：margins 为空 / no margins given")
    return out


def _count(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _poststep(weights: Floats, margin: Margin) -> Floats:
    """Scale each category's weights to its population count (columns = replicates)."""
    sums = np.zeros((len(margin.population), *weights.shape[1:]))
    np.add.at(sums, margin.codes, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = margin.population.reshape(-1, *([1] * (weights.ndim - 1))) / sums
    return np.asarray(weights * factor[margin.codes], dtype=np.float64)


def _table(weights: Floats, cell: Ints) -> Floats:
    return np.bincount(cell, weights=weights).astype(np.float64)


def calibrate(
    design: Design,
    margins: Sequence[Margin],
    method: Method,
    *,
    maxit: int = 10,
    epsilon: float = 1.0,
) -> tuple[Design, Calibration]:
    weights = design.weights
    base = weights
    if method == "poststratify":
        if len(margins) != 1:
            raise DesignError(
                "poststratify 只接受一个变量；多个边际请用 rake / poststratify takes exactly "
                "one variable; use rake for several margins"
            )
        new = _poststep(weights, margins[0])
        step = Step(margins[0].codes, new, weights)
        calibration = Calibration(method, tuple(margins), (step,), 1, True, base)
        return design.with_weights(new), calibration
    cell = np.unique(np.stack([m.codes for m in margins], axis=1), axis=0, return_inverse=True)[
        1
    ].reshape(-1)
    tolerance = epsilon * float(weights.sum()) if epsilon < 1 else epsilon
    old_table = _table(weights, cell)
    passes = 0
    converged = False
    steps: list[Step] = []
    while passes < maxit:
        steps = []
        for margin in margins:
            new = _poststep(weights, margin)
            steps.append(Step(margin.codes, new, weights))
            weights = new
        new_table = _table(weights, cell)
        passes += 1
        if float(np.max(np.abs(old_table - new_table))) < tolerance:
            converged = True
            break
        old_table = new_table
    calibration = Calibration(method, tuple(margins), tuple(steps), passes, converged, base)
    return design.with_weights(weights), calibration


def calibrate_columns(weights: Floats, calibration: Calibration) -> Floats:
    """Apply the same calibration (same number of passes) to every column of ``weights``,
    as R does to replicate weights: each replicate is calibrated on its own."""
    out = weights
    for _ in range(calibration.passes):
        for margin in calibration.margins:
            out = _poststep(out, margin)
    return out


def residualise(x: Floats, calibration: Calibration) -> Floats:
    """Influence values with the calibration's projection removed (R's ``svyrecvar``)."""
    if calibration.method == "poststratify":
        step = calibration.steps[0]
        psw = step.weights.copy()
        old = step.old
        psw[(psw == 0) & (old == 0)] = 1.0
        k = len(calibration.margins[0].population)
        sums = np.zeros((k, x.shape[1]))
        np.add.at(sums, step.codes, x * (old / psw)[:, None])
        means = sums / np.bincount(step.codes, weights=old, minlength=k)[:, None]
        return np.asarray(x - means[step.codes] * psw[:, None], dtype=np.float64)
    for _ in range(RAKE_PASSES):
        for step in calibration.steps:
            k = int(step.codes.max()) + 1
            sums = np.zeros((k, x.shape[1]))
            np.add.at(sums, step.codes, x / step.weights[:, None])
            means = sums / np.bincount(step.codes, minlength=k)[:, None]
            x = x - step.weights[:, None] * means[step.codes]
    return x


def calibrate_trimmed(
    design: Design, margins: Sequence[Margin], method: Method, trim_ratio: float | None
) -> tuple[Design, Calibration]:
    """Calibrate; with ``trim_ratio``, cap the weights at that multiple of their median (as
    R's ``trimWeights(strict = TRUE)``) and calibrate again, so the margins hold after trimming.
    The variance then follows the last calibration."""
    design, calibration = calibrate(design, margins, method)
    if trim_ratio is not None:
        cap = float(np.median(design.weights)) * trim_ratio
        design = design.with_weights(trim(design.weights, upper=cap, strict=True))
        design, calibration = calibrate(design, margins, method)
    return design, calibration
