"""Scoring respondents: each item's score from its answer code (说不清/不了解 → missing), the
overall score as the weighted mean of the scored items a respondent answered (the overall-
satisfaction item is not scored unless it is the only item), and the respondent's satisfaction
share — answered scored items at 基本满意 or better. Vectorised per item: the distinct codes of
an item are scored once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from minsheng.core.polls.scales import DONT_KNOW_CODES
from minsheng.core.survey.frame import Floats


@dataclass(frozen=True, slots=True)
class ItemScoring:
    code: str
    scores: Mapping[str, float]  # answer code → score
    satisfied: frozenset[str]  # codes counted as satisfied
    weight: float = 1.0
    is_overall: bool = False


@dataclass(frozen=True, slots=True)
class Scored:
    items: dict[str, Floats]  # per item code: each respondent's score, NaN if missing
    overall: Floats  # NaN for a respondent who answered no scored item
    satisfied: Floats  # share of answered scored items at 基本满意 or better, NaN if none
    groups: dict[str, Floats] = field(default_factory=dict)  # as ``group_scores`` gives


def score_respondents(answers: Sequence[Mapping[str, str]], items: Sequence[ItemScoring]) -> Scored:
    """Respondents given as their answers (item code → answer code)."""
    codes = {i.code: [a.get(i.code) for a in answers] for i in items}
    return score_columns(pl.DataFrame(codes, schema=dict.fromkeys(codes, pl.String)), items)


def score_columns(
    answers: pl.DataFrame,
    items: Sequence[ItemScoring],
    groups: Mapping[str, Sequence[tuple[str, float]]] | None = None,
) -> Scored:
    """Respondents given as columns of answer codes, one per item code (null = not asked or
    not answered); an item without a column counts as unanswered. ``groups``: as for
    ``group_scores``, computed alongside. Every item and group is scored in one polars query
    (the columns in parallel), then taken out as arrays."""
    n = answers.height
    scored = {i.code for i in items if not i.is_overall} or {i.code for i in items}
    dont_know = sorted(DONT_KNOW_CODES)
    present = [i for i in items if i.code in answers.columns]
    score = {
        i.code: pl.col(i.code).replace_strict(
            {str(k): float(v) for k, v in i.scores.items()}, default=None, return_dtype=pl.Float64
        )
        for i in present
    }
    counted = [i for i in present if i.code in scored]
    answered = [
        (
            pl.col(i.code).is_not_null() & (pl.col(i.code) != "") & ~pl.col(i.code).is_in(dont_know)
        ).cast(pl.Float64)
        for i in counted
    ]
    hits = [
        pl.col(i.code).is_in(sorted(i.satisfied)).fill_null(False).cast(pl.Float64) for i in counted
    ]
    weighted = [score[i.code].fill_null(0.0) * i.weight for i in counted]
    weights = [score[i.code].is_not_null().cast(pl.Float64) * i.weight for i in counted]
    zero = pl.lit(0.0)
    if answers.width == 0:  # no item has a column: the literals below still need n rows
        answers = pl.DataFrame({"_": np.zeros(n)})
    group_exprs = []
    for name, members in (groups or {}).items():
        inside = [(score[code], w) for code, w in members if code in score]
        total = pl.sum_horizontal([e.fill_null(0.0) * w for e, w in inside] or [zero])
        weight = pl.sum_horizontal(
            [e.is_not_null().cast(pl.Float64) * w for e, w in inside] or [zero]
        )
        group_exprs.append(pl.when(weight > 0).then(total / weight).alias(f"g:{name}"))
    out = answers.select(
        *group_exprs,
        *(expr.alias(f"s:{code}") for code, expr in score.items()),
        pl.sum_horizontal(weighted or [zero]).alias("weighted"),
        pl.sum_horizontal(weights or [zero]).alias("weights"),
        pl.sum_horizontal(hits or [zero]).alias("hits"),
        pl.sum_horizontal(answered or [zero]).alias("answered"),
    )

    def array(name: str) -> Floats:
        return out[name].cast(pl.Float64).to_numpy().astype(np.float64, copy=False)  # null: NaN

    per_item = {
        i.code: array(f"s:{i.code}") if i.code in score else np.full(n, np.nan) for i in items
    }
    sums = {c: array(c) for c in ("weighted", "weights", "hits", "answered")}
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(sums["weights"] > 0, sums["weighted"] / sums["weights"], np.nan)
        share = np.where(sums["answered"] > 0, sums["hits"] / sums["answered"], np.nan)
    named = {name: array(f"g:{name}") for name in groups or {}}
    return Scored(per_item, overall, share, named)


def group_scores(
    items: Mapping[str, Floats], groups: Mapping[str, Sequence[tuple[str, float]]]
) -> dict[str, Floats]:
    """Each respondent's score per group of items (e.g. a domain): the weighted mean of the
    group's items that respondent answered, NaN if none. ``groups``: name → (item code, weight)."""
    out: dict[str, Floats] = {}
    for name, members in groups.items():
        total: Floats | None = None
        weights: Floats | None = None
        for code, weight in members:
            score = items[code]
            present = ~np.isnan(score)
            part = np.where(present, score, 0.0) * weight
            total = part if total is None else total + part
            weights = present * weight if weights is None else weights + present * weight
        if total is None or weights is None:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = np.where(weights > 0, total / weights, np.nan)
    return out


def spread_by_group(values: Floats, weights: Floats, groups: Sequence[str]) -> dict[str, float]:
    """Weighted standard deviation of ``values`` per group (NaN values left out; groups with
    fewer than two values are omitted) — S_h for a Neyman allocation of the next round."""
    labels, codes = np.unique(np.asarray(groups, dtype=np.str_), return_inverse=True)
    codes = codes.reshape(-1)
    keep = ~np.isnan(values)
    v, w, c = values[keep], weights[keep], codes[keep]
    k = len(labels)
    total = np.bincount(c, weights=w, minlength=k)
    count = np.bincount(c, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(c, weights=w * v, minlength=k) / total
        var = np.bincount(c, weights=w * (v - mean[c]) ** 2, minlength=k) / total
    return {str(labels[g]): float(np.sqrt(var[g])) for g in range(k) if count[g] > 1}
