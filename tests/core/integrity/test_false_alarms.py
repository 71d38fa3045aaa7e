"""The integrity checks' stated false-alarm rates hold on clean simulated months, and each
planted pattern at a realistic strength is found (the figures in bench/BENCHMARKS.md come from
the same harness at a larger size: bench/bench_integrity.py)."""

from __future__ import annotations

from scipy import stats

from minsheng.core.integrity.findings import STATED_RATES
from minsheng.core.integrity.simulate import measure


def test_false_alarms_stay_within_the_stated_rates_and_patterns_are_found() -> None:
    rows, clean_units, clean_flagged = measure(range(101, 103), centres=150, planted=5)
    assert clean_units == 300
    for row in rows:
        # One-sided: more flags than the stated rate allows at the 0.1 % level fails.
        allowed = stats.binom.ppf(0.999, row.clean_units, STATED_RATES[row.kind])
        assert row.clean_flagged <= allowed, row
        assert row.recall >= 0.9, row
    assert clean_flagged / clean_units <= 0.05  # the bound for all checks together
