"""The data the index is computed on: the catalog of indicators and a panel of values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from minsheng.core.index.periods import Period

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

Normalise = Literal["minmax", "zscore", "target", "goalposts"]
Aggregate = Literal["arithmetic", "geometric"]
Missing = Literal["drop", "mean", "median"]

NORMALISE_CHOICES: tuple[Normalise, ...] = ("minmax", "zscore", "target", "goalposts")
AGGREGATE_CHOICES: tuple[Aggregate, ...] = ("arithmetic", "geometric")
MISSING_CHOICES: tuple[Missing, ...] = ("drop", "mean", "median")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator as the index sees it.

    ``polarity`` is 1 when higher is better and -1 when lower is better. ``target`` is the value
    to reach by ``target_year``; ``lower``/``upper`` are the fixed goalposts; ``average`` is the
    provincial average of the period (when absent, the peer mean stands in for it).
    """

    code: str
    name: str
    category: str
    unit: str = ""
    polarity: int = 1
    weight: float = 1.0
    decimals: int = 2
    target: float | None = None
    target_year: int | None = None
    lower: float | None = None
    upper: float | None = None
    average: float | None = None
    best: float | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """How scores and indices are made; echoed with every result.

    ``winsorise`` is the share cut from each tail before normalising (e.g. 0.05), ``None`` for
    none. ``geometric_floor`` is the smallest score the geometric mean takes, so a score of 0
    does not zero a whole index. ``category_weights`` default to equal.
    """

    normalise: Normalise = "minmax"
    aggregate: Aggregate = "arithmetic"
    missing: Missing = "drop"
    winsorise: float | None = None
    geometric_floor: float = 1.0
    category_weights: tuple[tuple[str, float], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "normalise": self.normalise,
            "aggregate": self.aggregate,
            "missing": self.missing,
            "missing_rule": {
                "drop": "dropped; remaining weights rescaled (Σwᵢsᵢ / Σwᵢ over present)",
                "mean": "raw value imputed with the peer mean of the period",
                "median": "raw value imputed with the peer median of the period",
            }[self.missing],
            "winsorise": self.winsorise,
            "geometric_floor": self.geometric_floor,
            "category_weights": dict(self.category_weights) or "equal",
            "ties": "competition ranking (1, 2, 2, 4), highest index first",
            "attainment_unit": "percent, capped at 100",
        }


@dataclass(frozen=True, slots=True)
class Panel:
    """Values of ``indicators`` for ``regions`` over ``periods``: ``values[r, i, t]``, NaN where
    missing. The regions form the peer group."""

    regions: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    periods: tuple[Period, ...]
    values: Array
    names: dict[str, str] = field(default_factory=dict)  # region code -> display name

    def __post_init__(self) -> None:
        expected = (len(self.regions), len(self.indicators), len(self.periods))
        if self.values.shape != expected:
            raise ValueError(f"values has shape {self.values.shape}, expected {expected}")
        if list(self.periods) != sorted(self.periods, key=_period_key):
            raise ValueError("periods must be in time order")

    def period_index(self, period: Period) -> int:
        for t, p in enumerate(self.periods):
            if p == period:
                return t
        known = "、".join(str(p) for p in self.periods) or "无"
        raise KeyError(f"数据中没有期别 {period}（现有：{known}）")

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories in catalog order."""
        return tuple(dict.fromkeys(ind.category for ind in self.indicators))

    def column(self, name: str) -> Array:
        """A per-indicator attribute as a float array (NaN where absent)."""
        return np.array(
            [
                np.nan if getattr(i, name) is None else float(getattr(i, name))
                for i in self.indicators
            ],
            dtype=np.float64,
        )


def _period_key(p: Period) -> tuple[float, int]:
    return (p.time, p.quarter)


def sort_periods(periods: Sequence[Period]) -> list[Period]:
    return sorted(set(periods), key=_period_key)
