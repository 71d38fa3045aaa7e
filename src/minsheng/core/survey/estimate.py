"""Means, totals, proportions and ratios, overall and by domain, with standard errors and 95 %
Wald intervals (estimate ± z₀.₉₇₅·se, as R's ``confint`` on these statistics).

A text variable is categorical: one estimate per category (the proportion or the total count),
as ``svymean(~factor)`` gives. Rows missing the variable (or the denominator, or the domain)
are left out of that estimate, as R's ``na.rm = TRUE`` does: they keep their place in the
design, so the variance still sees every sampled unit. Domains (``by``) are estimated the same
way, as R's ``svyby``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from minsheng.core.survey.calibrate import Calibration, calibrate_columns
from minsheng.core.survey.design import Design, DesignError
from minsheng.core.survey.frame import Bools, Column, Floats, Frame, Ints
from minsheng.core.survey.replicates import Replicates, replicate_variance
from minsheng.core.survey.taylor import nested_domain_variance, variance

if TYPE_CHECKING:
    import scipy.sparse as sp

Stat = Literal["mean", "total", "ratio"]
STAT_CHOICES: tuple[Stat, ...] = ("mean", "total", "ratio")
Z975 = 1.959963984540054  # qnorm(0.975)
REPLICATE_CHUNK = 50


@dataclass(frozen=True, slots=True)
class Estimate:
    stat: str
    var: str
    by: str | None
    level: str | None  # the domain, or the category when there is no domain
    category: str | None  # the category of a categorical variable within a domain
    estimate: float
    se: float
    n: int

    @property
    def ci_low(self) -> float:
        return self.estimate - Z975 * self.se

    @property
    def ci_high(self) -> float:
        return self.estimate + Z975 * self.se

    def as_dict(self) -> dict[str, object]:
        row: dict[str, object] = {
            "stat": self.stat,
            "var": self.var,
            "by": self.by,
            "level": self.level,
            "estimate": _json_number(self.estimate),
            "se": _json_number(self.se),
            "ci_low": _json_number(self.ci_low),
            "ci_high": _json_number(self.ci_high),
            "n": self.n,
        }
        if self.category is not None:
            row["category"] = self.category
        return row


def _json_number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class Survey:
    """A design ready for estimation: the data, the (calibrated) design, and optionally the
    calibration to remove from influence values and the replicate weights."""

    frame: Frame
    design: Design
    calibration: Calibration | None = None
    replicates: Replicates | None = None


def _column(frame: Frame, name: str, what: str) -> Column:
    if name not in frame:
        raise DesignError(f"{what}：数据中没有列 {name} / no column {name!r} in the data")
    return frame[name]


def _outcome(column: Column) -> tuple[Floats, list[str | None]]:
    """Rows × outcomes: the number itself, or one 0/1 indicator per category."""
    if column.numbers is not None:
        return column.numbers.reshape(-1, 1), [None]
    labels, codes = column.codes()
    y = np.zeros((len(codes), len(labels)))
    present = codes >= 0
    y[np.flatnonzero(present), codes[present]] = 1.0
    y[~present] = np.nan
    return y, list(labels)


def _domains(frame: Frame, by: Sequence[str]) -> tuple[list[str | None], Ints]:
    if not by:
        return [None], np.zeros(frame.n, dtype=np.int64)
    parts = [_column(frame, name, "by").codes() for name in by]
    if len(parts) == 1:
        labels, codes = parts[0]
        return list(labels), codes
    stacked = np.stack([codes for _, codes in parts], axis=1)
    ok = (stacked >= 0).all(axis=1)
    combos, inverse = np.unique(stacked[ok], axis=0, return_inverse=True)
    codes = np.full(frame.n, -1, dtype=np.int64)
    codes[ok] = inverse.reshape(-1)
    labels = [".".join(parts[i][0][c] for i, c in enumerate(combo)) for combo in combos]
    return list(labels), codes


def estimate(
    survey: Survey,
    stat: Stat,
    var: str,
    *,
    by: Sequence[str] = (),
    denominator: str | None = None,
) -> list[Estimate]:
    return _compute(survey, stat, var, by, denominator)[0]


MEANS_CHUNK = 8  # variables estimated together by ``means`` (n × 8 temporaries)


def means(
    survey: Survey,
    variables: Sequence[str],
    *,
    within: Bools | None = None,
    by: str | None = None,
    level: str | None = None,
) -> dict[str, Estimate | None]:
    """The mean of each numeric variable over every row, or over the domain ``within`` (a row
    mask, named ``by`` = ``level`` in the estimates), with its Taylor standard error: what
    ``estimate(survey, "mean", var)`` gives — and ``svyby`` for that one domain — computed a few
    variables at a time as dense columns, where a missing value or a row outside the domain
    simply carries no weight and no influence. None for a variable no row counts in."""
    if survey.replicates is not None:
        raise DesignError("means 只用泰勒线性化 / means uses Taylor linearisation only")
    frame, design = survey.frame, survey.design
    weights = design.weights
    out: dict[str, Estimate | None] = {}
    for start in range(0, len(variables), MEANS_CHUNK):
        names = list(variables[start : start + MEANS_CHUNK])
        influence = np.empty((frame.n, len(names)), order="F")  # a column is contiguous
        found: list[tuple[float, int]] = []
        for k, name in enumerate(names):
            y = _column(frame, name, "var").numbers
            if y is None:
                raise DesignError(f"var：列 {name} 不是数字 / column {name!r} is not numeric")
            valid = ~np.isnan(y)
            if within is not None:
                valid &= within
            w = np.where(valid, weights, 0.0)
            y = np.where(valid, y, 0.0)
            total = float(w.sum())
            est = float(w @ y) / total if total > 0 else float("nan")
            np.multiply(w, (y - est) / total if total > 0 else 0.0, out=influence[:, k])
            found.append((est, int(np.count_nonzero(valid))))
        se = np.sqrt(np.maximum(variance(design, influence, survey.calibration), 0.0))
        for k, (name, (est, count)) in enumerate(zip(names, found, strict=True)):
            out[name] = (
                Estimate("mean", name, by, level, None, est, float(se[k]), count) if count else None
            )
    return out


def estimate_with_replicates(
    survey: Survey, stat: Stat, var: str, *, by: Sequence[str] = ()
) -> tuple[list[Estimate], Floats]:
    """Estimates and, from the survey's replicate weights, the replicate estimates of every
    domain (replicates × domains, domains in the order of all levels, empty ones included)."""
    if survey.replicates is None:
        raise DesignError("需要重复权重 / replicate weights are needed")
    rows, thetas = _compute(survey, stat, var, by, None)
    if thetas is None:
        raise DesignError("需要重复权重 / replicate weights are needed")
    return rows, thetas


def _compute(
    survey: Survey,
    stat: Stat,
    var: str,
    by: Sequence[str],
    denominator: str | None,
) -> tuple[list[Estimate], Floats | None]:
    frame, design = survey.frame, survey.design
    y, categories = _outcome(_column(frame, var, "var"))
    valid = ~np.isnan(y).any(axis=1)
    z = np.ones(frame.n)
    if stat == "ratio":
        if denominator is None:
            raise DesignError("ratio 需要 denominator / a ratio needs a denominator")
        den = _column(frame, denominator, "denominator")
        if den.numbers is None:
            raise DesignError(f"denominator：列 {denominator} 不是数字 / is not numeric")
        z = den.numbers
        valid &= ~np.isnan(z)
        if len(categories) > 1:
            raise DesignError("ratio 的分子须为数字 / a ratio's numerator must be numeric")
    domains, dom = _domains(frame, by)
    valid &= dom >= 0
    if valid.all():
        rows = np.arange(frame.n)
        d, w, yv, zv = dom, design.weights, y, z
    else:
        rows = np.flatnonzero(valid)
        d, w, yv, zv = dom[rows], design.weights[rows], y[rows], z[rows]
    n_dom = len(domains)
    j = y.shape[1]
    wy: Floats = np.stack(
        [np.bincount(d, weights=w * yv[:, c], minlength=n_dom) for c in range(j)], axis=1
    ).astype(np.float64)
    wz: Floats = np.bincount(d, weights=w * zv, minlength=n_dom).astype(np.float64)
    est: Floats
    counts = np.bincount(d, minlength=n_dom)
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == "total":
            est = wy
            influence = np.asarray(w[:, None] * yv, dtype=np.float64)
        else:
            est = wy / wz[:, None]
            centred = yv - (est[d] * zv[:, None] if stat == "ratio" else est[d])
            influence = (w / wz[d])[:, None] * centred
    thetas = None
    nested = None
    if survey.replicates is None and survey.calibration is None:
        nested = nested_domain_variance(design, rows, d, influence, n_dom)
    if nested is not None:
        var_ = nested.reshape(-1)
    elif survey.replicates is None:
        var_ = variance(
            design, _domain_matrix(frame.n, valid, d, influence, n_dom), survey.calibration
        )
    else:
        thetas = _replicate_thetas(survey, stat, rows, d, yv, zv, n_dom)
        var_ = replicate_variance(thetas, survey.replicates.scale)
    se = np.sqrt(np.maximum(var_, 0.0)).reshape(n_dom, j)
    by_label = "+".join(by) or None
    out = []
    for k, level in enumerate(domains):
        if counts[k] == 0:
            continue
        for c, category in enumerate(categories):
            out.append(
                Estimate(
                    stat,
                    var,
                    by_label,
                    level if by else category,
                    category if by else None,
                    float(est[k, c]),
                    float(se[k, c]),
                    int(counts[k]),
                )
            )
    return out, thetas


def _domain_matrix(n: int, valid: Bools, d: Ints, influence: Floats, n_dom: int) -> sp.csr_matrix:
    """One column per (domain, outcome); each row has values only in its own domain's
    columns."""
    import scipy.sparse as sp

    j = influence.shape[1]
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(valid * j)
    cols = (d[:, None] * j + np.arange(j)[None, :]).reshape(-1)
    return sp.csr_matrix((influence.reshape(-1), cols, indptr), shape=(n, n_dom * j))


def _replicate_thetas(
    survey: Survey, stat: Stat, rows: Ints, d: Ints, yv: Floats, zv: Floats, n_dom: int
) -> Floats:
    """Re-estimate with every replicate's weights, grouped by (unit, calibration cell, domain)
    so the work is per group, not per row."""
    import scipy.sparse as sp

    reps = survey.replicates
    if reps is None:
        raise ValueError("no replicates")
    calibration = survey.calibration
    base = survey.design.weights if calibration is None else calibration.base_weights
    unit = reps.unit
    cell = np.zeros(len(unit), dtype=np.int64) if calibration is None else calibration.cell
    # Calibration works on units × cells: the replicate factor is constant there.
    pair_key = unit * (int(cell.max()) + 1) + cell
    pairs, pair_of_row = np.unique(pair_key, return_inverse=True)
    pair_of_row = pair_of_row.reshape(-1)
    pair_unit = pairs // (int(cell.max()) + 1)
    j = yv.shape[1]
    group_key = pair_of_row[rows] * n_dom + d
    groups, group_of = np.unique(group_key, return_inverse=True)
    group_of = group_of.reshape(-1)
    group_pair = groups // n_dom
    group_dom = groups % n_dom
    w = base[rows]
    n_groups = len(groups)
    sy = np.zeros((n_groups, j))
    np.add.at(sy, group_of, w[:, None] * yv)
    sz = np.bincount(group_of, weights=w * zv, minlength=n_groups)
    numer = sp.csr_matrix(
        (
            sy.reshape(-1),
            (
                np.repeat(group_dom, j) * j + np.tile(np.arange(j), n_groups),
                np.repeat(np.arange(n_groups), j),
            ),
        ),
        shape=(n_dom * j, n_groups),
    )
    denom = sp.csr_matrix((sz, (group_dom, np.arange(n_groups))), shape=(n_dom, n_groups))
    thetas = np.empty((reps.count, n_dom * j))
    for start in range(0, reps.count, REPLICATE_CHUNK):
        factors = reps.factors[:, start : start + REPLICATE_CHUNK].astype(np.float64)
        pair_factor = factors[pair_unit]
        if calibration is not None:
            pair_factor = _calibrated_factors(calibration, base, pair_of_row, pair_factor)
        group_factor = pair_factor[group_pair]
        num = np.asarray(numer @ group_factor)
        if stat == "total":
            thetas[start : start + factors.shape[1]] = num.T
        else:
            den = np.asarray(denom @ group_factor)
            with np.errstate(divide="ignore", invalid="ignore"):
                thetas[start : start + factors.shape[1]] = (num / np.repeat(den, j, axis=0)).T
    return thetas


def _calibrated_factors(
    calibration: Calibration, base: Floats, pair_of_row: Ints, pair_factor: Floats
) -> Floats:
    """Each replicate's weights calibrated again, as a factor on the base weights per pair."""
    n_pairs = pair_factor.shape[0]
    pair_weight = np.bincount(pair_of_row, weights=base, minlength=n_pairs).astype(np.float64)
    _, first = np.unique(pair_of_row, return_index=True)
    margins = tuple(type(m)(m.name, m.codes[first], m.population) for m in calibration.margins)
    reduced = type(calibration)(
        calibration.method, margins, (), calibration.passes, True, pair_weight
    )
    calibrated = calibrate_columns(pair_weight[:, None] * pair_factor, reduced)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(calibrated / pair_weight[:, None], dtype=np.float64)
