"""Scoring respondents: each item's score from its answer code (说不清/不了解 → missing), the
overall score as the weighted mean of the scored items a respondent answered (the overall-
satisfaction item is not scored unless it is the only item), and the respondent's satisfaction
share — of the scored items the respondent gave a score to, those at 基本满意 or better (a
"9" is 说不清 on a five-point scale but nine points on the zero-to-ten one: what counts is
whether the item's scale scores the code). Vectorised: codes become table look-ups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

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
    *,
    items_too: bool = True,
) -> Scored:
    """Respondents given as columns of answer codes, one per item code — text, or whole numbers
    as the poll snapshots keep them (null or "" = not asked or not answered); an item without a
    column counts as unanswered. ``groups``: as for
    ``group_scores``, computed alongside. ``items_too=False``: only the overall score and the
    satisfaction share (``items`` is then empty).

    Each column is turned once into small integers (one polars pass for all columns: a code's
    place among the codes any item scores, or "unknown" — 说不清 among them —, or "none");
    everything else is a table look-up per item — its score, whether it is scored, whether
    satisfied — so a million respondents' 16 items cost a few look-ups each."""
    n = answers.height
    scored = {i.code for i in items if not i.is_overall} or {i.code for i in items}
    vocabulary = sorted(
        {
            *(str(k) for i in items for k in i.scores),
            *(c for i in items for c in i.satisfied),
        }
    )
    unknown, none = len(vocabulary), len(vocabulary) + 1  # an unlisted code; no answer
    present = [i for i in items if i.code in answers.columns]
    texts = [i for i in present if not answers.schema[i.code].is_integer()]
    coded = answers.select(
        pl.when(pl.col(i.code).is_null() | (pl.col(i.code) == ""))
        .then(pl.lit(none, dtype=pl.UInt16))
        .otherwise(
            pl.col(i.code).replace_strict(
                vocabulary, range(len(vocabulary)), default=unknown, return_dtype=pl.UInt16
            )
        )
        .alias(i.code)
        for i in texts
    )
    size = len(vocabulary) + 2
    per_item: dict[str, Floats] = {}
    # Per respondent: weighted score sum, weight sum, scored answers, satisfied answers — one
    # look-up of a code's four contributions per item (a row of ``parts``).
    sums = np.zeros((n, 4))
    for item in present:
        codes = (
            coded[item.code].to_numpy()
            if item in texts
            else _whole_codes(answers[item.code], vocabulary, unknown, none)
        )
        table = np.full(size, np.nan)
        for code, value in item.scores.items():
            table[vocabulary.index(str(code))] = float(value)
        if items_too or groups:
            per_item[item.code] = np.take(table, codes)
        if item.code not in scored:
            continue
        known = ~np.isnan(table)  # scored: not 说不清, not an unlisted code
        satisfied = np.zeros(size)
        satisfied[[vocabulary.index(c) for c in item.satisfied]] = 1.0
        parts = np.column_stack(
            [
                np.where(known, table, 0.0) * item.weight,
                known * item.weight,
                known,
                satisfied * known,
            ]
        )
        sums += np.take(parts, codes, axis=0)
    weighted, weights, answered, hits = sums.T
    for item in items if items_too else ():
        per_item.setdefault(item.code, np.full(n, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(weights > 0, weighted / weights, np.nan)
        share = np.where(answered > 0, hits / answered, np.nan)
    named = group_scores(
        per_item,
        {
            name: [(code, w) for code, w in members if code in per_item]
            for name, members in (groups or {}).items()
        },
    )
    for name in groups or {}:
        named.setdefault(name, np.full(n, np.nan))
    kept = {i.code: per_item[i.code] for i in items} if items_too else {}
    return Scored(kept, overall, share, named)


def _whole_codes(
    column: pl.Series, vocabulary: Sequence[str], unknown: int, none: int
) -> npt.NDArray[np.uint16]:
    """Answer codes given as whole numbers (the snapshot's columns; null = no answer) as places
    in ``vocabulary``: a table look-up, no text."""
    values = column.cast(pl.Int32).fill_null(-1).to_numpy()
    top = max(int(values.max(initial=0)), 0)
    table = np.full(top + 2, unknown, dtype=np.uint16)  # a code c at c + 1; no answer at 0
    table[0] = none
    for k, code in enumerate(vocabulary):
        if code.isdigit() and str(int(code)) == code and int(code) <= top:
            table[int(code) + 1] = k
    coded: npt.NDArray[np.uint16] = np.take(table, np.maximum(values, -1) + 1)
    return coded


def group_scores(
    items: Mapping[str, Floats], groups: Mapping[str, Sequence[tuple[str, float]]]
) -> dict[str, Floats]:
    """Each respondent's score per group of items (e.g. a domain): the weighted mean of the
    group's items that respondent answered, NaN if none. ``groups``: name → (item code, weight)."""
    out: dict[str, Floats] = {}
    for name, members in groups.items():
        if len(members) == 1 and members[0][1] > 0:
            out[name] = items[members[0][0]]  # one item: its own scores (arrays are not changed)
            continue
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
