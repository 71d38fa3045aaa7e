"""A finding of the integrity checks (ratings, polls, reported indicators) and the checks' stated
false-alarm rates.

A finding names its unit (a centre, an interviewer, a region, a reporting department), what in
the unit it is about (a device, a staff member, an indicator), the p-value of what was seen under
the clean model, and its evidence. Its strength is −log₁₀ p: 3 is one chance in a thousand, 6
one in a million. Each check states the share of clean units it flags, measured by simulation
(``core.integrity.simulate``) and held by a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.core.integrity.stats import strength

ALPHA = 1e-3  # a unit is flagged by a check when p < ALPHA (after the check's own corrections)
HIGH = 6.0  # strength from which a finding is marked "high"

# kind → the share of clean units the check may flag per period (measured below it; see
# tests/core/integrity/test_false_alarms.py and bench/bench_integrity.py).
STATED_RATES: dict[str, float] = {
    # ratings, per centre and month
    "burst": 0.005,
    "before_handled": 0.005,
    "off_hours": 0.005,
    "perfect": 0.005,
    "default_share": 0.005,
    "filled_in": 0.005,
    "copied_comment": 0.005,
    "new_subject": 0.005,
    # polls, per interviewer (interviewer, durations, copied_answers) or region (jump) and round
    "interviewer": 0.005,
    "durations": 0.005,
    "copied_answers": 0.005,
    "jump": 0.005,
    # reported indicators, per reporting unit and period
    "digits": 0.005,
    "repeated": 0.005,
    "outlier": 0.005,
    "ratio": 0.005,
    "on_target": 0.005,
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    unit: int | str  # a centre id, an interviewer's code, a region code, a department's name
    subject: str  # "device:<id>", "staff:<pk>", "interviewer:<code>", "indicator:<code>",
    # "reporter" (a department's figures), "" (the unit itself)
    p: float
    message: str  # in Chinese, for the command; pages word it from kind and evidence
    evidence: dict[str, object] = field(default_factory=dict)

    @property
    def strength(self) -> float:
        return strength(self.p)

    @property
    def severity(self) -> str:
        return "high" if self.strength >= HIGH else "medium"
