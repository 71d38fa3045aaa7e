"""Poll integrity flags: an interviewer whose answers stand out, copied answer sequences."""

from __future__ import annotations

import random

from minsheng.core.polls.integrity import interviewer_flags, repeated_sequences, score_jumps


def fieldwork(seed: int = 1) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    rows = []
    for k in range(1200):
        who = f"A{k % 12:02d}"
        top = 0.75 if who == "A07" else 0.35  # A07 records far more 非常满意
        rows.append((who, ["1" if rng.random() < top else rng.choice("2345") for _ in range(10)]))
    return rows


def test_the_interviewer_who_stands_out_is_flagged_alone() -> None:
    flags = interviewer_flags(fieldwork())
    assert [f.interviewer for f in flags] == ["A07"]
    assert flags[0].top_share > 0.7 > 0.4 > flags[0].others_share


def test_copied_sequences_are_listed() -> None:
    rows = [(f"R{k}", list("1234512345")) for k in range(4)]
    rows += [(f"S{k}", list("1111111111")) for k in range(5)]  # flat: left to straight-lining
    rng = random.Random(2)
    rows += [(f"T{k}", [rng.choice("12345") for _ in range(10)]) for k in range(20)]
    flags = repeated_sequences(rows)
    assert [f.respondents for f in flags] == [["R0", "R1", "R2", "R3"]]


def test_score_jumps_use_a_bonferroni_level() -> None:
    # 100 regions compared: the level is 0.05 / 100 = 0.0005. p = 0.01 is "significant" alone
    # but not flagged; p = 0.0001 is.
    changes = {f"R{k:03d}": (0.5, 0.3, 0.76) for k in range(98)}
    changes["JUMP"] = (12.0, 6.1, 0.0001)
    changes["NOISE"] = (3.0, 2.6, 0.01)
    flags = score_jumps(changes)
    assert [f.region for f in flags] == ["JUMP"]
    assert flags[0].difference == 12.0
    assert score_jumps({}) == []
