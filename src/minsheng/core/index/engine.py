"""Computing the level index of one period for a peer group: the entry point of ``core.index``.

Pipeline (each step documented in its module):
raw values → imputation (``aggregate.impute``) → winsorisation (optional) → normalisation
(``normalise``) → indicator scores → category indices → overall index (``aggregate``) → ranks
(``ranking``) and their Monte Carlo spread (``uncertainty``); beside it, attainment and
projection (``progress``) and warnings (``alerts``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minsheng.core.index import aggregate, alerts, colstats, progress, ranking, uncertainty
from minsheng.core.index.model import Aggregate, Array, Normalise, Panel, Policy
from minsheng.core.index.normalise import normalise, usable, winsorise
from minsheng.core.index.periods import Period, year_end


@dataclass(frozen=True, slots=True)
class IndexResult:
    """Everything computed for one period; arrays are regions × indicators unless noted."""

    panel: Panel
    period: Period
    policy: Policy
    rules: alerts.Rules
    values: Array
    imputed: np.ndarray
    scores: Array
    score_rank: Array
    value_rank: Array
    attainment: Array
    average: Array  # per indicator
    average_source: list[str]  # per indicator: "catalog" or "peers"
    vs_average: Array
    status: np.ndarray
    projection: Array
    categories: tuple[str, ...]
    category_index: Array  # regions × categories
    index: Array  # regions
    rank: Array  # regions
    previous_rank: Array  # regions (NaN when the previous period is absent)
    spread: uncertainty.RankSpread | None
    warnings: alerts.Warnings

    @property
    def movement(self) -> Array:
        return ranking.movement(self.previous_rank, self.rank)


@dataclass(frozen=True, slots=True)
class _Setup:
    pol: Array
    weights: Array
    member: Array
    cat_weights: Array
    cat_member: Array
    floor: float

    def index(self, scores: Array, weights: Array, method: Aggregate) -> tuple[Array, Array]:
        cats = aggregate.weighted_mean(scores, weights, self.member, method, self.floor)
        overall = aggregate.weighted_mean(
            cats, self.cat_weights, self.cat_member, method, self.floor
        )
        return cats, overall[:, 0]

    def overall(self, scores: Array, weights: Array, method: Aggregate) -> Array:
        return self.index(scores, weights, method)[1]


def _setup(panel: Panel, policy: Policy) -> _Setup:
    cats = panel.categories
    cat_of = {c: k for k, c in enumerate(cats)}
    given = dict(policy.category_weights)
    unknown = set(given) - set(cats)
    if unknown:
        raise ValueError(f"类别权重中有目录里没有的类别：{'、'.join(sorted(unknown))}")
    return _Setup(
        pol=panel.column("polarity"),
        weights=panel.column("weight"),
        member=aggregate.membership([cat_of[i.category] for i in panel.indicators], len(cats)),
        cat_weights=np.array([given.get(c, 1.0) for c in cats], dtype=np.float64),
        cat_member=np.ones((len(cats), 1)),
        floor=policy.geometric_floor,
    )


def _prepared(x: Array, policy: Policy) -> tuple[Array, np.ndarray]:
    filled, imputed = aggregate.impute(x, policy.missing)
    if policy.winsorise:
        filled = winsorise(filled, policy.winsorise)
    return filled, imputed


def _scores(panel: Panel, x: Array, method: Normalise, pol: Array) -> Array:
    return normalise(
        x,
        pol,
        method,
        codes=tuple(i.code for i in panel.indicators),
        target=panel.column("target"),
        lower=panel.column("lower"),
        upper=panel.column("upper"),
    )


def period_index(panel: Panel, period: Period, policy: Policy) -> tuple[Array, Array, Array]:
    """Scores, category indices and the overall index of one period (no ranks, no extras)."""
    setup = _setup(panel, policy)
    x, _ = _prepared(panel.values[:, :, panel.period_index(period)], policy)
    scores = _scores(panel, x, policy.normalise, setup.pol)
    cats, overall = setup.index(scores, setup.weights, policy.aggregate)
    return scores, cats, overall


def compute(
    panel: Panel,
    period: Period,
    policy: Policy | None = None,
    rules: alerts.Rules | None = None,
    mc: uncertainty.MonteCarlo | None = None,
) -> IndexResult:
    """The level index of ``period`` for the regions of ``panel`` (their peer group)."""
    policy = policy or Policy()
    rules = rules or alerts.Rules()
    setup = _setup(panel, policy)
    t = panel.period_index(period)
    raw = panel.values[:, :, t]
    x, imputed = _prepared(raw, policy)
    scores = _scores(panel, x, policy.normalise, setup.pol)
    cats, overall = setup.index(scores, setup.weights, policy.aggregate)
    rank = ranking.competition_rank(overall)

    previous_rank = np.full(rank.shape, np.nan)
    if period.previous() in panel.periods:
        previous_rank = ranking.competition_rank(period_index(panel, period.previous(), policy)[2])

    target = panel.column("target")
    catalog_avg = panel.column("average")
    peer_avg = colstats.col_mean(raw)
    average = np.where(np.isnan(catalog_avg), peer_avg, catalog_avg)
    times = np.array([p.time for p in panel.periods[: t + 1]])
    target_years = [i.target_year or period.year for i in panel.indicators]
    at = np.array([year_end(y) for y in target_years])
    history = panel.values[:, :, : t + 1]
    linear = progress.linear_projection(times, history, at)
    compound = progress.compound_projection(times, history, at)
    passed = at < period.time
    status = progress.status(raw, target, setup.pol, linear, compound, passed)

    score_rank = ranking.column_ranks(scores)
    with np.errstate(invalid="ignore"):
        value_rank = ranking.column_ranks(raw * setup.pol)

    spread = None
    if mc is not None:
        common = {"target": target, "lower": panel.column("lower"), "upper": panel.column("upper")}
        by_method = {
            m: _scores(panel, x, m, setup.pol) for m in mc.normalisations if usable(m, **common)
        }
        spread = uncertainty.rank_spread(by_method, setup.weights, setup.overall, rank, mc)

    chain = _previous_slices(panel, period, rules.worse_periods)
    warnings = alerts.find(
        alerts.AlertInput(
            regions=panel.regions,
            indicators=panel.indicators,
            values=raw,
            history=chain,
            average=average,
            target=target,
            status=status,
            linear=linear,
            score_rank=score_rank,
            index_rank=rank,
            target_label=[f"{y}年" for y in target_years],
        ),
        rules,
    )
    return IndexResult(
        panel=panel,
        period=period,
        policy=policy,
        rules=rules,
        values=raw,
        imputed=imputed,
        scores=scores,
        score_rank=score_rank,
        value_rank=value_rank,
        attainment=progress.attainment(raw, target, setup.pol),
        average=average,
        average_source=["peers" if np.isnan(a) else "catalog" for a in catalog_avg],
        vs_average=raw - average,
        status=status,
        projection=linear,
        categories=panel.categories,
        category_index=cats,
        index=overall,
        rank=rank,
        previous_rank=previous_rank,
        spread=spread,
        warnings=warnings,
    )


def _previous_slices(panel: Panel, period: Period, k: int) -> Array:
    """Values of the ``k`` periods before ``period`` (oldest first), NaN for absent periods."""
    shape = (len(panel.regions), len(panel.indicators), max(k, 0))
    out = np.full(shape, np.nan)
    p = period
    for j in range(k - 1, -1, -1):
        p = p.previous()
        if p in panel.periods:
            out[:, :, j] = panel.values[:, :, panel.period_index(p)]
    return out
