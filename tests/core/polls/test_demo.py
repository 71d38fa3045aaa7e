"""The demo's poll rounds: carriers in the frame's proportions, regional differences, and the
planted jump in the last round."""

from __future__ import annotations

import numpy as np

from minsheng.core.polls.demo import CARRIERS, ROUNDS, anomaly_township, demo_items, demo_round
from minsheng.core.polls.scales import SCALES, Scale

TOWNS = [(f"3901{c:02d}{t:03d}000", f"3901{c:02d}000000") for c in range(1, 5) for t in range(1, 6)]
SCORES = SCALES[Scale.SATISFACTION].scores


def mean_score(people: list, town: str) -> float:  # type: ignore[type-arg]
    values = [
        SCORES[a] for p in people if p.region == town for a in p.answers.values() if a in SCORES
    ]
    return float(np.mean(values))


def test_rounds_are_realistic_and_the_anomaly_is_planted() -> None:
    planted = anomaly_township([t for t, _ in TOWNS])
    last = demo_round(len(ROUNDS) - 1, TOWNS, seed=5, size=6000)
    before = demo_round(len(ROUNDS) - 2, TOWNS, seed=5, size=6000)
    assert len(last) == 6000 and len({p.respondent_id for p in last}) == 6000
    share = sum(p.stratum == "移动" for p in last) / len(last)
    assert abs(share - CARRIERS[0][1] / sum(s for _, s in CARRIERS)) < 0.03
    jumps = {t: mean_score(last, t) - mean_score(before, t) for t, _ in TOWNS}
    assert max(jumps, key=jumps.__getitem__) == planted and jumps[planted] > 10
    others = [v for t, v in jumps.items() if t != planted]
    assert max(others) < 6
    dont_know = sum(a == "9" for p in last for a in p.answers.values()) / (6000 * len(demo_items()))
    assert 0.02 < dont_know < 0.06
