"""Hall metrics over the catalog's items (seed 004's targets), for a region's subtree:

- ``entry_rate`` 进驻率 = items entered ÷ (items − items not entered with a recorded reason)
- ``online_rate`` 网上可办 = items with online depth ≥ 2 ÷ items
- ``full_online_rate`` 全程网办 = depth 4 ÷ items
- ``instant_rate`` 即办件 = 即办件 ÷ items
- ``one_visit_rate`` 最多跑一次 = items with at most one visit ÷ items (unknown visits do not count)
- ``time_cut_rate`` 承诺时限压减 = 1 − Σ promised ÷ Σ legal, over items with a legal limit (an
  item with no promised limit counts as promising the legal one)

Rates are fractions 0–1, None when their denominator is 0. Seed 004's targets are the defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from minsheng.core.catalog.items import Item, region_prefix

__all__ = ["TARGETS", "Metrics", "hall_metrics", "region_prefix", "within"]

TARGETS = {
    "entry_rate": 0.90,
    "online_rate": 1.00,
    "full_online_rate": 0.30,
    "instant_rate": 0.20,
    "one_visit_rate": 0.90,
    "time_cut_rate": 0.50,
}


@dataclass(frozen=True, slots=True)
class Metrics:
    items: int
    entry_rate: float | None
    online_rate: float | None
    full_online_rate: float | None
    instant_rate: float | None
    one_visit_rate: float | None
    time_cut_rate: float | None

    def as_json(self) -> dict[str, float | int | None]:
        return {
            "items": self.items,
            "entry_rate": self.entry_rate,
            "online_rate": self.online_rate,
            "full_online_rate": self.full_online_rate,
            "instant_rate": self.instant_rate,
            "one_visit_rate": self.one_visit_rate,
            "time_cut_rate": self.time_cut_rate,
        }

    def met(self, targets: dict[str, float] | None = None) -> dict[str, bool | None]:
        """Each rate against its target (seed 004's by default; None: no rate)."""
        values = self.as_json()
        return {
            k: None if values[k] is None else float(values[k] or 0) >= t - 1e-12
            for k, t in (targets or TARGETS).items()
        }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def hall_metrics(items: Sequence[Item]) -> Metrics:
    n = len(items)
    excused = sum(1 for i in items if not i.entered and i.not_entered_reason.strip())
    legal = [i for i in items if i.legal_days is not None]
    legal_sum = sum(i.legal_days or 0 for i in legal)
    promised_sum = sum(
        i.promised_days if i.promised_days is not None else (i.legal_days or 0) for i in legal
    )
    return Metrics(
        items=n,
        entry_rate=_share(sum(1 for i in items if i.entered), n - excused),
        online_rate=_share(sum(1 for i in items if i.depth >= 2), n),
        full_online_rate=_share(sum(1 for i in items if i.depth == 4), n),
        instant_rate=_share(sum(1 for i in items if i.instant), n),
        one_visit_rate=_share(sum(1 for i in items if i.visits is not None and i.visits <= 1), n),
        time_cut_rate=1 - promised_sum / legal_sum if legal_sum else None,
    )


def within(region: str, items: Sequence[Item]) -> list[Item]:
    """The items of the region's subtree."""
    prefix = region_prefix(region)
    return [i for i in items if i.region.startswith(prefix)]
