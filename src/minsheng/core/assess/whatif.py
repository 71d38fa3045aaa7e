"""What-if (假设分析): the same units' figures under changed rules — another weight, another
grade band, another bonus cap — and which ranks and grades move. Only the period shown is
recomputed (triggers that look back over several periods are not re-evaluated)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from minsheng.core.assess.engine import Entry, assess
from minsheng.core.assess.scheme import Scheme


@dataclass(frozen=True, slots=True)
class Move:
    unit: str
    total_before: float
    total_after: float
    rank_before: int
    rank_after: int
    grade_before: str
    grade_after: str

    @property
    def moved(self) -> bool:
        return self.rank_before != self.rank_after or self.grade_before != self.grade_after


def entries_of(rows: Iterable[Mapping[str, Any]], period: str) -> list[Entry]:
    """The engine's entries back from a stored run's rows (components, deductions, bonuses,
    vetoes as the run kept them)."""
    entries: list[Entry] = []
    for row in rows:
        unit = str(row["unit"])
        for name, value in (row.get("components") or {}).items():
            entries.append(Entry(unit, period, name, float(value)))
        for stored, kind in (("deductions", "deduction"), ("bonuses", "bonus")):
            for reason, value in (row.get(stored) or {}).items():
                entries.append(Entry(unit, period, f"{kind}:{reason}", float(value)))
        for reason in row.get("vetoes") or []:
            entries.append(Entry(unit, period, f"veto:{reason}", 1.0))
    return entries


def what_if(before: Scheme, after: Scheme, entries: list[Entry], period: str) -> list[Move]:
    """Every unit's total, rank and grade under both schemes, in the new order."""
    old = {r.unit: r for r in assess(before, entries).get(period, [])}
    new = assess(after, entries).get(period, [])
    return [
        Move(
            r.unit,
            old[r.unit].total,
            r.total,
            old[r.unit].rank,
            r.rank,
            old[r.unit].grade,
            r.grade,
        )
        for r in new
        if r.unit in old
    ]
