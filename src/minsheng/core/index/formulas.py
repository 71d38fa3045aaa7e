"""Formula indicators (as DHIS2's): value = numerator ÷ denominator × factor, both base data
elements collected per region and period (e.g. 每千人口医疗机构床位数 = 床位数 ÷ 常住人口 ×
1000). A missing element, or a zero denominator, leaves the value missing."""

from __future__ import annotations

import numpy as np

from minsheng.core.index.model import Array


def derive(numerator: Array, denominator: Array, factor: float | None) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = numerator / denominator * (1.0 if factor is None else factor)
    out = np.asarray(out, dtype=np.float64)
    out[~np.isfinite(out)] = np.nan
    return out
