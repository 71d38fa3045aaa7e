"""A poll's domain estimates in SQL, for either engine (DuckDB, or Apache Spark when one machine
is outgrown): each region's mean overall score with its Taylor standard error, computed over a
round's respondent snapshot (``polls.store``: answer codes as whole numbers) in the store.

The design is the results page's when the weights are design weights: the plan cells are the
strata (else the vendor's strata, else one), every respondent is a unit, no finite population
correction, a lone unit in its stratum counted about zero (R's ``lonely.psu = "adjust"``). With
zᵢ = wᵢ (yᵢ − ȳ_d) / W_d for the respondents of domain d with a score, and n_h the respondents of
stratum h: v_d = Σ_h n_h / (n_h − 1) · (Σ z² − (Σ z)² / n_h), or Σ z² when n_h = 1 — what
``core.survey.taylor`` computes. The text is built once for both engines; only the quoting of
the answer columns' names differs (``quote``). ``tests/core/analytics/test_poll_sql.py`` holds
DuckDB, Spark and ``core.survey.estimate`` equal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from minsheng.core.polls.scoring import ItemScoring
from minsheng.core.regions import Level

ANSWER = "a:"  # the snapshot's answer columns, as ``polls.store`` names them


@dataclass(frozen=True, slots=True)
class DomainMean:
    domain: str
    n: int
    estimate: float
    se: float


def _number(value: float) -> str:
    text = repr(float(value))
    if not math.isfinite(float(value)):
        raise ValueError(f"not a finite number: {value!r}")
    return f"CAST({text} AS DOUBLE)"


def score_sql(items: Sequence[ItemScoring], quote: Callable[[str], str]) -> str:
    """Each respondent's overall score: the weighted mean of the scored items answered (the
    overall-satisfaction item only when it is the only one), NULL when none is."""
    scored = [i for i in items if not i.is_overall] or list(items)
    totals, weights = [], []
    for item in scored:
        whens = " ".join(
            f"WHEN {int(code)} THEN {_number(score)}"
            for code, score in item.scores.items()
            if str(code).isdigit()
        )
        score = f"(CASE {quote(ANSWER + item.code)} {whens} END)" if whens else "NULL"
        weight, zero = _number(item.weight), _number(0)
        totals.append(f"COALESCE({score} * {weight}, {zero})")
        weights.append(f"(CASE WHEN {score} IS NULL THEN {zero} ELSE {weight} END)")
    if not scored:
        return "CAST(NULL AS DOUBLE)"
    return f"(({' + '.join(totals)}) / NULLIF({' + '.join(weights)}, {_number(0)}))"


def domain_means_sql(
    table: str, items: Sequence[ItemScoring], level: str, quote: Callable[[str], str]
) -> str:
    """Rows of (domain, n, estimate, variance), domains in order. ``level``: county or
    township, the domains as the results page forms them."""
    if level == "township":
        domain = "region_code"
    else:
        domain = (
            f"CASE WHEN region_level = {int(Level.COUNTY)} THEN region_code "
            "ELSE COALESCE(county_code, region_code) END"
        )
    stratum = (
        "CASE WHEN cell_id IS NOT NULL THEN CONCAT('cell:', CAST(cell_id AS STRING)) "
        "ELSE COALESCE(NULLIF(stratum, ''), 'all') END"
    )
    return (  # the table name is the store's own; the rest is built from numbers and codes
        f"WITH r AS (SELECT {stratum} AS h, {domain} AS d, weight AS w, "  # noqa: S608
        f"{score_sql(items, quote)} AS y FROM {table}),\n"
        "strata AS (SELECT h, COUNT(*) AS n FROM r GROUP BY h),\n"
        "dom AS (SELECT d, SUM(w) AS wt, SUM(w * y) AS wy, COUNT(*) AS k FROM r\n"
        "  WHERE y IS NOT NULL AND d IS NOT NULL GROUP BY d),\n"
        "z AS (SELECT r.h, r.d, r.w * (r.y - dom.wy / dom.wt) / dom.wt AS z\n"
        "  FROM r JOIN dom ON r.d = dom.d WHERE r.y IS NOT NULL),\n"
        "cell AS (SELECT h, d, SUM(z) AS s1, SUM(z * z) AS s2 FROM z GROUP BY h, d)\n"
        "SELECT dom.d, dom.k, dom.wy / dom.wt AS estimate,\n"
        "  SUM(CASE WHEN strata.n > 1\n"
        "    THEN CAST(strata.n AS DOUBLE) / (strata.n - 1)\n"
        "      * (cell.s2 - cell.s1 * cell.s1 / strata.n)\n"
        "    ELSE cell.s2 END) AS variance\n"
        "FROM dom JOIN cell ON cell.d = dom.d JOIN strata ON strata.h = cell.h\n"
        "GROUP BY dom.d, dom.k, dom.wy, dom.wt\n"
        "ORDER BY dom.d"
    )


def domain_means(rows: Sequence[tuple[Any, ...]]) -> list[DomainMean]:
    """The engine's rows of ``domain_means_sql`` as estimates with standard errors."""
    return [
        DomainMean(str(d), int(k), float(est), math.sqrt(max(float(var), 0.0)))
        for d, k, est, var in rows
    ]
