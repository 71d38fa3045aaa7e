"""Small panels for the index tests."""

from __future__ import annotations

import numpy as np

from minsheng.core.index.model import Indicator, Panel
from minsheng.core.index.periods import Period

CATALOG = (
    Indicator("A", "生均校舍面积", "公共教育", "平方米", 1, 1.0, target=10, lower=0, upper=20),
    Indicator("B", "每千人口床位", "医疗服务", "张", 1, 2.0, target=6, lower=0, upper=10),
    Indicator("C", "失业率", "公共就业", "%", -1, 1.0, target=3, lower=0, upper=10),
)


def panel(values: np.ndarray, periods: list[str] | None = None) -> Panel:
    """``values`` regions × indicators × periods (or regions × indicators for one period)."""
    if values.ndim == 2:
        values = values[:, :, None]
    labels = periods or [f"2025Q{4 - k}" for k in range(values.shape[2])][::-1]
    regions = tuple(f"R{k:02d}" for k in range(values.shape[0]))
    return Panel(
        regions, CATALOG[: values.shape[1]], tuple(Period.parse(p) for p in labels), values
    )
