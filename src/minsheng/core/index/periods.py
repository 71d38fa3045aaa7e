"""Reporting periods: ``2025Q4`` (quarterly) and ``2025`` (yearly).

A period's position on the time axis is ``year + (quarter - 1) / 4``; a yearly value counts as
of the fourth quarter (``year + 0.75``), so quarterly and yearly series share one axis.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^\s*(\d{4})\s*(?:[Qq]\s*([1-4])|年?第?([1-4一二三四])季度?)?\s*年?\s*$")
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4}


class PeriodError(ValueError):
    """A text that is not a period."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    year: int
    quarter: int = 0  # 0 = the whole year

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2025Q4``, ``2025q4``, ``2025年第四季度``, ``2025`` or ``2025年``."""
        match = _PATTERN.match(str(text))
        if not match:
            raise PeriodError(f"“{text}”不是有效的期别（例如 2025Q4 或 2025）")
        year = int(match.group(1))
        q = match.group(2) or match.group(3)
        quarter = 0 if q is None else (_CN_QUARTER[q] if q in _CN_QUARTER else int(q))
        if not 1990 <= year <= 2100:
            raise PeriodError(f"“{text}”的年份超出范围")
        return cls(year, quarter)

    @property
    def time(self) -> float:
        """Position on the time axis in years."""
        return self.year + ((self.quarter or 4) - 1) / 4

    def days(self) -> tuple[dt.date, dt.date]:
        """The first and the last day of the period."""
        first_month = 3 * self.quarter - 2 if self.quarter else 1
        end_month = 3 * self.quarter if self.quarter else 12
        following = dt.date(self.year + end_month // 12, end_month % 12 + 1, 1)
        return dt.date(self.year, first_month, 1), following - dt.timedelta(days=1)

    def previous(self) -> Period:
        if self.quarter == 0:
            return Period(self.year - 1)
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def next(self) -> Period:
        if self.quarter == 0:
            return Period(self.year + 1)
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        """Chinese label: 2025年第4季度 / 2025年."""
        return f"{self.year}年第{self.quarter}季度" if self.quarter else f"{self.year}年"


def year_end(year: int) -> float:
    """Time of the last quarter of ``year``: the point a year's target is judged at."""
    return year + 0.75
