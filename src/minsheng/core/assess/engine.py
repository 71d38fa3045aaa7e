"""The assessment of units against a scheme (考核), period by period:

- total = Σ wᵢ·cᵢ ÷ Σ wᵢ over the components the unit has in that period (each on 0–100)
  − Σ deductions + min(Σ bonuses, bonus_cap);
- a veto (一票否决) makes the grade the lowest band whatever the total;
- rank 1 = the highest total; equal totals share the best rank (1, 2, 2, 4);
- triggers are evaluated at the last period over all periods: ``rank_bottom K, periods N`` holds
  when the unit was among the bottom K in each of the last N periods (a unit is among the bottom
  K when fewer than K units have a strictly lower total, so units tied at the boundary are all
  in); ``total_below X`` when its last total is below X; ``all`` / ``any`` combine them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from minsheng.core.assess.scheme import AllOf, AnyOf, Condition, RankBottom, Scheme, TotalBelow
from minsheng.core.index.ranking import competition_rank

PREFIXES = ("deduction", "bonus", "veto", "se")


@dataclass(frozen=True, slots=True)
class Entry:
    unit: str
    period: str
    component: str  # a scheme component, or "deduction:…", "bonus:…", "veto:…"
    value: float
    row: int = 0


@dataclass(slots=True)
class UnitResult:
    unit: str
    period: str
    components: dict[str, float] = field(default_factory=dict)
    deductions: dict[str, float] = field(default_factory=dict)
    bonuses: dict[str, float] = field(default_factory=dict)
    vetoes: list[str] = field(default_factory=list)
    total: float = 0.0
    grade: str = ""
    rank: int = 0
    triggers: list[str] = field(default_factory=list)
    rank_interval: tuple[int, int] | None = None

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "total": round(self.total, 6),
            "grade": self.grade,
            "rank": self.rank,
            "vetoed": self.vetoed,
            "triggers": list(self.triggers),
            **(
                {"rank_low": self.rank_interval[0], "rank_high": self.rank_interval[1]}
                if self.rank_interval
                else {}
            ),
        }


def _results(scheme: Scheme, entries: list[Entry]) -> dict[str, dict[str, UnitResult]]:
    by_period: dict[str, dict[str, UnitResult]] = defaultdict(dict)
    for e in entries:
        result = by_period[e.period].setdefault(e.unit, UnitResult(e.unit, e.period))
        kind, _sep, reason = e.component.partition(":")
        if kind == "deduction" and _sep:
            result.deductions[reason] = result.deductions.get(reason, 0.0) + e.value
        elif kind == "bonus" and _sep:
            result.bonuses[reason] = result.bonuses.get(reason, 0.0) + e.value
        elif kind == "veto" and _sep:
            if e.value:
                result.vetoes.append(reason)
        elif kind == "se" and _sep:
            continue  # a standard error: read by the uncertainty module
        else:
            result.components[e.component] = e.value
    for units in by_period.values():
        for r in units.values():
            weights = {c: scheme.components[c] for c in r.components if c in scheme.components}
            weight = sum(weights.values())
            base = sum(w * r.components[c] for c, w in weights.items()) / weight if weight else 0
            bonus = min(sum(r.bonuses.values()), scheme.bonus_cap)
            r.total = base - sum(r.deductions.values()) + bonus
            r.grade = scheme.grade(r.total, vetoed=r.vetoed)
        ordered = list(units.values())
        ranks = competition_rank(np.array([r.total for r in ordered], dtype=float))
        for r, rank in zip(ordered, ranks, strict=True):
            r.rank = int(rank)
    return by_period


def _in_bottom(units: dict[str, UnitResult], unit: str, k: int) -> bool:
    me = units.get(unit)
    if me is None:
        return False
    lower = sum(1 for r in units.values() if r.total < me.total - 1e-9)
    return lower < k


def _holds(
    condition: Condition, unit: str, periods: list[str], by: dict[str, dict[str, UnitResult]]
) -> bool:
    if isinstance(condition, AllOf):
        return all(_holds(c, unit, periods, by) for c in condition.parts)
    if isinstance(condition, AnyOf):
        return any(_holds(c, unit, periods, by) for c in condition.parts)
    if isinstance(condition, TotalBelow):
        last = by[periods[-1]].get(unit)
        return last is not None and last.total < condition.threshold
    if isinstance(condition, RankBottom):
        recent = periods[-condition.periods :]
        return len(recent) == condition.periods and all(
            _in_bottom(by[p], unit, condition.bottom) for p in recent
        )
    raise TypeError(condition)  # pragma: no cover - the scheme parser makes only these


def assess(scheme: Scheme, entries: list[Entry]) -> dict[str, list[UnitResult]]:
    """Every period's results (periods in order, units best first); the last period's carry the
    triggers that fire."""
    by = _results(scheme, entries)
    periods = sorted(by)
    if periods:
        for unit, result in by[periods[-1]].items():
            result.triggers = [t.name for t in scheme.triggers if _holds(t.when, unit, periods, by)]
    return {p: sorted(by[p].values(), key=lambda r: (r.rank, r.unit)) for p in periods}
