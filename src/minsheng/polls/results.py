"""A poll's results (a selector): per county or township the score with its 95 % interval,
the satisfaction rate, the rank with its interval (bootstrap replicates, minimum n), the change
against the previous round with a test; per domain and item the score with its interval, and
each item's importance; and a county's drill-down to its townships."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings

from minsheng.analytics.store import engine
from minsheng.core.analytics.polls import ANSWER, domain_means, domain_means_sql
from minsheng.core.index.ranking import competition_rank
from minsheng.core.polls.scales import SCALES, Scale
from minsheng.core.polls.scoring import (
    ItemScoring,
    score_columns,
    spread_by_group,
)
from minsheng.core.survey import cell_bootstrap
from minsheng.core.survey.calibrate import calibrate_trimmed, read_margins
from minsheng.core.survey.design import build_design
from minsheng.core.survey.estimate import Estimate, Survey, estimate, estimate_with_replicates
from minsheng.core.survey.estimate import means as survey_means
from minsheng.core.survey.frame import Frame, number_label, number_series, text_series
from minsheng.core.survey.replicates import bootstrap
from minsheng.core.survey.results import (
    Change,
    RankChange,
    RankInterval,
    Verdict,
    against_target,
    change,
    importance_performance,
    rank_change,
    rank_intervals,
)
from minsheng.core.survey.taylor import variance
from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.memo import kept
from minsheng.polls.models import Item, Poll
from minsheng.polls.store import (
    ATTRIBUTE,
    respondent_columns,
    respondents_state,
    snapshot_path,
)

REPLICATES = 100
LEVELS = {"county": RegionLevel.COUNTY, "township": RegionLevel.TOWNSHIP}
METHOD = (
    "得分为各题得分（非常满意 100 … 非常不满意 20，说不清不计）按题目权重的加权平均；区间为 95% "
    "置信区间（泰勒线性化，按抽样方案的地区×层分层，无方案时按样本的层；"
    "做过迭代比例调整或事后分层的，按校准后的设计计算方差，与 R survey 相同）；"
    "名次区间为 100 次分层自助法重复（各层的抽取数按地区分配，地区内的抽取和按其均值与协方差抽取）"
    "下名次的 5%–95% 分位；"
    "变化检验把两轮视为独立样本（z 检验，5% 水平）；重要性为各题得分与总体满意度题的加权相关系数，"
    "其与各题平均重要性之差按泰勒线性化的标准误判断是否超出抽样误差。"
)


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    n: int
    score: float
    se: float
    ci_low: float
    ci_high: float
    satisfied: float
    rank: RankInterval
    previous_score: float | None
    change: Change | None
    rank_change: RankChange | None


@dataclass(frozen=True, slots=True)
class ItemRow:
    code: str
    text: str
    domain: str
    department: str  # the rated organisation (政风行风 items), "" for none
    score: float
    se: float
    ci_low: float
    ci_high: float
    importance: float | None
    quadrant: str | None


@dataclass(frozen=True, slots=True)
class FieldRow:
    """A service field (领域) of the questionnaire: its items' weighted mean score."""

    name: str
    items: int
    score: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, slots=True)
class Computed:
    labels: list[str]
    estimates: dict[str, Estimate]
    satisfied: dict[str, float]
    point: np.ndarray[Any, Any]  # per label, NaN where too few
    replicates: np.ndarray[Any, Any]  # R × labels
    counts: list[int]


@dataclass(frozen=True, slots=True)
class PollResults:
    poll: Poll
    level: str
    n: int
    overall: Estimate | None
    rows: list[RegionRow]
    items: list[ItemRow]
    fields: list[FieldRow]
    satisfied: Estimate | None = None  # the satisfaction rate (基本满意 or better)
    target: Verdict | None = None  # the rate against the poll's target, beyond sampling error
    method: str = METHOD


def _scores(poll: Poll, items: list[Item]) -> dict[str, dict[str, float]]:
    overrides = {str(k): float(v) for k, v in (poll.scores or {}).items()}
    return {
        item.code: {**SCALES[Scale(item.scale)].scores, **overrides}
        if Scale(item.scale) == Scale.SATISFACTION
        else dict(SCALES[Scale(item.scale)].scores)
        for item in items
    }


def _scoring(poll: Poll, items: list[Item]) -> list[ItemScoring]:
    scores = _scores(poll, items)
    return [
        ItemScoring(
            i.code, scores[i.code], SCALES[Scale(i.scale)].satisfied, i.weight, i.is_overall
        )
        for i in items
    ]


def _domain_scores(
    poll: Poll, level: str, state: dict[str, Any] | None, survey: Survey
) -> dict[str, Estimate]:
    """Each domain's score with its Taylor SE: by ``core.survey`` — or, when the store's engine
    is Apache Spark (``MINSHENG_ANALYTICS=spark``) and the weights are design weights, by the
    engine over the round's snapshot (``core.analytics.polls``, the same figures)."""
    if settings.MINSHENG_ANALYTICS != "spark" or survey.calibration is not None:
        return {e.level: e for e in estimate(survey, "mean", "score", by=["domain"]) if e.level}
    reader = engine()
    items = list(poll.questionnaire.items.all())
    sql = domain_means_sql("respondents", _scoring(poll, items), level, reader.quote)
    rows = reader.rows(sql, [], {"respondents": snapshot_path(poll, state)})
    return {
        m.domain: Estimate("mean", "score", "domain", m.domain, None, m.estimate, m.se, m.n)
        for m in domain_means(rows)
    }


def _respondent_frame(
    poll: Poll, level: str, state: dict[str, Any] | None = None, *, items_too: bool = True
) -> tuple[Frame, dict[str, np.ndarray[Any, Any]]]:
    """The respondents as the results read them: domain, county, stratum, weights, the overall
    score and satisfaction share — and, with ``items_too``, each item's and field's score."""
    items = list(poll.questionnaire.items.all())
    margins = [name for name, _ in (poll.calibration or {}).get("margins", [])]
    data = respondent_columns(poll, state)
    code, county = data["region_code"], data["county_code"].fill_null(data["region_code"])
    own = data["region_level"] == int(LEVELS[level])
    domain = (
        code
        if level == "township"
        else pl.select(pl.when(own).then(code).otherwise(county)).to_series()
    )
    fields: dict[str, list[tuple[str, float]]] = {}
    for item in items:
        if item.domain and not item.is_overall:
            fields.setdefault(item.domain, []).append((item.code, item.weight))
    scored = score_columns(
        data.select(pl.col(f"{ANSWER}{i.code}").alias(i.code) for i in items),
        _scoring(poll, items),
        fields if items_too else None,
        items_too=items_too,
    )
    per_item = scored.items
    # The plan's cell (region × stratum) once design weights are set, else the vendor's; when
    # every respondent has a cell, the cells' ids are the strata (no text to hash).
    cells = data["cell_id"]
    strata = (
        number_series("stratum", cells)
        if cells.null_count() == 0
        else text_series(
            "stratum",
            pl.select(
                pl.when(cells.is_not_null())
                .then(pl.lit("cell:") + cells.cast(pl.String))
                .otherwise(data["stratum"].replace("", None).fill_null("all"))
            ).to_series(),
        )
    )
    counties = text_series("county", county)
    county_place = np.where(counties.missing, np.nan, counties.index().astype(np.float64))
    frame = Frame(
        {
            "domain": text_series("domain", domain),
            "county": counties,
            # Also as small integers (the county's place among the sorted county codes).
            "county_id": number_series("county_id", pl.Series(county_place)),
            "stratum": strata,
            "w": number_series("w", data["weight"]),
            "base": number_series("base", data["base_weight"]),
            **{
                f"attr:{name}": text_series(
                    f"attr:{name}",
                    data[f"{ATTRIBUTE}{name}"]
                    if f"{ATTRIBUTE}{name}" in data.columns
                    else pl.Series([None] * data.height, dtype=pl.String),
                )
                for name in margins
            },
            **Frame.from_arrays(
                {
                    "score": scored.overall,
                    "satisfied": scored.satisfied,
                    **{f"item:{code}": values for code, values in per_item.items()},
                    **{f"field:{name}": v for name, v in scored.groups.items()},
                }
            ).columns,
        }
    )
    return frame, per_item


def _survey(poll: Poll, frame: Frame) -> Survey:
    """The design the results use. A calibrated poll starts from the design weights and
    calibrates again as the weighting page did (same margins, method and trimming), so its
    standard errors are those of R's ``rake`` / ``postStratify`` designs; otherwise the stored
    weights are the design weights."""
    spec = poll.calibration or {}
    weights = "base" if spec else "w"
    design = build_design(frame, strata="stratum", weights=weights, lonely_psu="adjust")
    if not spec:
        return Survey(frame, design)
    margins = {f"attr:{name}": counts for name, counts in spec["margins"]}  # in raking order
    calibrated, calibration = calibrate_trimmed(
        design, read_margins(frame, margins), spec["method"], spec.get("trim")
    )
    return Survey(frame, calibrated, calibration)


def _replicate_scores(poll: Poll, survey: Survey) -> np.ndarray[Any, Any]:
    """Bootstrap replicates (``REPLICATES`` × domains) of every domain's score. Drawn per plan
    cell × domain (``core.survey.cell_bootstrap``) when the weights are design weights; a
    calibrated poll's replicates are drawn per respondent and calibrated again each."""
    frame, design = survey.frame, survey.design
    labels, codes = frame["domain"].codes()
    score = frame["score"].numbers
    if survey.calibration is None and score is not None and cell_bootstrap.applies(design):
        return cell_bootstrap.domain_means(
            design, score, codes, len(labels), REPLICATES, seed=poll.pk
        )
    reps = bootstrap(design, REPLICATES, seed=poll.pk, same_as_r=False)
    _, thetas = estimate_with_replicates(
        Survey(frame, design, survey.calibration, reps), "mean", "score", by=["domain"]
    )
    return thetas


def score_spread(poll: Poll) -> dict[str, float]:
    """Per county code, the weighted standard deviation of respondents' overall scores (scored
    as on the results page) — for a Neyman allocation of the next round."""
    frame, _ = _respondent_frame(poll, "county")
    score, weights, domains = frame["score"].numbers, frame["w"].numbers, frame["domain"].text
    if score is None or weights is None or domains is None:
        return {}
    return spread_by_group(score, weights, list(domains))


def _compute(
    poll: Poll, level: str, state: dict[str, Any] | None = None, *, items_too: bool = True
) -> tuple[Computed, Frame, Survey] | None:
    """The expensive part of a results page, kept per process until the poll's data change.
    Without ``items_too`` (the round before, whose scores and ranks are compared), the item
    scores are not made."""
    state = state if state is not None else respondents_state(poll)
    what = f"results:{level}" if items_too else f"results:{level}:scores"
    return kept(poll, what, lambda: _computed(poll, level, state, items_too), state)


def _computed(
    poll: Poll, level: str, state: dict[str, Any] | None, items_too: bool
) -> tuple[Computed, Frame, Survey] | None:
    frame, _ = _respondent_frame(poll, level, state, items_too=items_too)
    if frame.n < 2:
        return None
    survey = _survey(poll, frame)
    plain = _domain_scores(poll, level, state, survey)
    satisfied = {
        e.level: e.estimate for e in estimate(survey, "mean", "satisfied", by=["domain"]) if e.level
    }
    thetas = _replicate_scores(poll, survey)
    labels, _codes = frame["domain"].codes()
    counts = [plain[label].n if label in plain else 0 for label in labels]
    point = np.array([plain[label].estimate if label in plain else np.nan for label in labels])
    computed = Computed(list(labels), plain, satisfied, point, thetas, counts)
    return computed, frame, survey


def poll_results(
    poll: Poll, level: str, visible: set[str] | None = None, within: str | None = None
) -> PollResults:
    """``visible``: region codes the reader may see (ranks are still among all). ``within``:
    a county's code — the drill-down: its townships (ranked among all the city's), and the
    overall score and item scores of that county alone (domain estimates, as R's svyby)."""
    state = respondents_state(poll)
    current = _compute(poll, level, state)
    if current is None:
        return PollResults(poll, level, 0, None, [], [], [])
    now, frame, survey = current
    county_of = _county_of(frame)
    part = _county_label(frame, within)
    intervals = rank_intervals(now.point, now.replicates, now.counts, min_n=poll.min_n)
    previous = (
        _compute(poll.previous, level, items_too=False) if poll.previous is not None else None
    )
    before = previous[0] if previous is not None else None
    moves: dict[str, RankChange | None] = {}
    if before is not None:
        common = [label for label in now.labels if label in before.labels]
        i_now = [now.labels.index(c) for c in common]
        i_before = [before.labels.index(c) for c in common]
        eligible_now = np.array([now.counts[i] >= poll.min_n for i in i_now])
        eligible_before = np.array([before.counts[i] >= poll.min_n for i in i_before])
        ok = eligible_now & eligible_before
        r_now = np.where(ok, competition_rank(np.where(ok, now.point[i_now], np.nan)), np.nan)
        r_before = competition_rank(np.where(ok, before.point[i_before], np.nan))
        reps_now = np.where(ok[None, :], now.replicates[:, i_now], np.nan)
        reps_before = np.where(ok[None, :], before.replicates[:, i_before], np.nan)
        for label, move in zip(
            common, rank_change(r_now, reps_now, r_before, reps_before), strict=True
        ):
            moves[label] = move
    names = dict(Region.objects.filter(code__in=now.labels).values_list("code", "name"))
    rows = []
    for k, label in enumerate(now.labels):
        if label not in now.estimates or (visible is not None and label not in visible):
            continue
        if within is not None and county_of.get(label) != within:
            continue
        e = now.estimates[label]
        prev = before.estimates.get(label) if before is not None else None
        rows.append(
            RegionRow(
                code=label,
                name=names.get(label, label),
                n=e.n,
                score=e.estimate,
                se=e.se,
                ci_low=e.ci_low,
                ci_high=e.ci_high,
                satisfied=now.satisfied.get(label, float("nan")),
                rank=intervals[k],
                previous_score=prev.estimate if prev else None,
                change=change(e.estimate, e.se, prev.estimate, prev.se) if prev else None,
                rank_change=moves.get(label),
            )
        )
    rows.sort(key=lambda r: (not r.rank.ranked, r.rank.rank or 0, -r.score))
    # The overall score, rate, items (with the importance bootstrap) and fields of this view,
    # kept like the regions' computation: a repeated view estimates nothing again.
    overall, rate, item_rows, field_rows = kept(
        poll, f"details:{level}:{within}", lambda: _details(poll, frame, survey, part), state
    )
    n = overall.n if overall is not None else 0
    return PollResults(
        poll,
        level,
        n,
        overall,
        rows,
        item_rows,
        field_rows,
        rate,
        against_target(rate.ci_low, rate.ci_high, poll.target_rate)
        if rate is not None and poll.target_rate is not None
        else None,
    )


def _county_of(frame: Frame) -> dict[str, str]:
    """Each domain's county, from the columns' level codes (no million-string sort)."""
    domains, domain_codes = frame["domain"].codes()
    counties, county_codes = frame["county"].codes()
    ok = (domain_codes >= 0) & (county_codes >= 0)
    pairs = np.unique(domain_codes[ok] * len(counties) + county_codes[ok])
    return {
        domains[int(pair // len(counties))]: counties[int(pair % len(counties))] for pair in pairs
    }


def _county_label(frame: Frame, county: str | None) -> str | None:
    """A county's code → its ``county_id`` label in the frame ("-1" if nobody is from there)."""
    if county is None:
        return None
    counties, _ = frame["county"].codes()
    at = bisect.bisect_left(counties, county)
    return number_label(float(at)) if at < len(counties) and counties[at] == county else "-1"


def _details(
    poll: Poll, frame: Frame, survey: Survey, within: str | None
) -> tuple[Estimate | None, Estimate | None, list[ItemRow], list[FieldRow]]:
    """The overall score and rate, the items and the fields of a view: every mean over
    everyone, or over one county (its ``county_id`` label) as domain estimates, at once."""
    items = list(poll.questionnaire.items.select_related("organisation"))
    fields: dict[str, int] = {}
    for item in items:
        if item.domain and not item.is_overall:
            fields[item.domain] = fields.get(item.domain, 0) + 1
    variables = [
        "score",
        "satisfied",
        *(f"item:{i.code}" for i in items),
        *(f"field:{name}" for name in fields),
    ]
    county = frame["county_id"].numbers
    inside = None if within is None or county is None else county == float(within)
    by = None if within is None else "county_id"
    means = survey_means(survey, variables, within=inside, by=by, level=within)
    field_rows = [
        FieldRow(name, n_items, row.estimate, row.se, row.ci_low, row.ci_high)
        for name, n_items in fields.items()
        if (row := means[f"field:{name}"]) is not None
    ]
    return (
        means["score"],
        means["satisfied"],
        _item_rows(items, frame, survey, means, within),
        sorted(field_rows, key=lambda r: r.score),
    )


def _item_rows(
    items: list[Item],
    frame: Frame,
    survey: Survey,
    means: dict[str, Estimate | None],
    within: str | None,
) -> list[ItemRow]:
    overall_item = next((i for i in items if i.is_overall), None)
    weights = frame["w"].numbers
    keep = (
        np.ones(frame.n, dtype=bool)
        if within is None
        else np.asarray(frame["county_id"].numbers == float(within))
    )
    points: dict[str, Any] = {}
    if overall_item is not None and weights is not None:
        overall_scores = frame[f"item:{overall_item.code}"].numbers
        scored = {
            i.code: values
            for i in items
            if not i.is_overall and (values := frame[f"item:{i.code}"].numbers) is not None
        }
        if overall_scores is not None and keep.any():
            # Outside the county the weights are 0: its respondents are a domain of the design.
            points = {
                p.item: p
                for p in importance_performance(
                    scored,
                    overall_scores,
                    np.where(keep, weights, 0.0),
                    variance=lambda x: variance(survey.design, x, survey.calibration),
                    intervals=False,  # the page shows each item's quadrant, not the interval
                )
            }
    out = []
    for item in items:
        row = means[f"item:{item.code}"]
        if row is None:
            continue
        point = points.get(item.code)
        out.append(
            ItemRow(
                code=item.code,
                text=item.text,
                domain=item.domain,
                department=item.organisation.name if item.organisation else "",
                score=row.estimate,
                se=row.se,
                ci_low=row.ci_low,
                ci_high=row.ci_high,
                importance=point.importance if point else None,
                quadrant=point.quadrant if point else None,
            )
        )
    return out
