"""Survey designs as R's ``svydesign(ids, strata, weights, fpc, nest)`` builds them.

A design is a list of stages. At stage k every row has a stratum and a cluster (sampling unit)
code, the number of units sampled in its stratum (``n``) and, when a finite population
correction is given, the number in the population (``N``). As in R, later-stage units are the
interaction of all ids so far, and later-stage strata are the units of the stage above, so
each first-stage unit is sampled within separately. Weights, when not given, are the product
of N/n over the stages; with neither weights nor fpc every row weighs 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from minsheng.core.survey.frame import Floats, Frame, Ints

LonelyPsu = Literal["fail", "remove", "certainty", "adjust", "average"]
LONELY_CHOICES: tuple[LonelyPsu, ...] = ("fail", "remove", "certainty", "adjust", "average")


class DesignError(ValueError):
    """The design cannot be built from these columns; the message says why."""


@dataclass(frozen=True, slots=True)
class Stage:
    stratum: Ints  # 0..H-1 per row
    cluster: Ints  # 0..C-1 per row (unique across strata)
    n: Floats  # units sampled in the row's stratum
    population: Floats | None  # units in the population (inf = sampled with replacement)
    first_row: Ints  # per stratum: its first row
    cluster_stratum: Ints  # per cluster: its stratum

    def fraction_left(self) -> Floats:
        """(N - n) / N per row; 1 without an fpc."""
        if self.population is None:
            return np.ones_like(self.n)
        with np.errstate(invalid="ignore"):
            left = (self.population - self.n) / self.population
        return np.where(np.isinf(self.population), 1.0, left)


@dataclass(frozen=True, slots=True)
class Design:
    weights: Floats
    stages: tuple[Stage, ...]
    has_strata: bool
    has_fpc: bool
    lonely_psu: LonelyPsu = "fail"
    labels: dict[str, str] = field(default_factory=dict)  # how the design was asked for

    @property
    def n(self) -> int:
        return len(self.weights)

    def with_weights(self, weights: Floats) -> Design:
        return Design(
            weights, self.stages, self.has_strata, self.has_fpc, self.lonely_psu, self.labels
        )


def _codes_of(frame: Frame, name: str, what: str) -> Ints:
    if name not in frame:
        raise DesignError(f"{what}：数据中没有列 {name} / no column {name!r} in the data")
    column = frame[name]
    if column.missing.any():
        row = int(np.flatnonzero(column.missing)[0]) + 2
        raise DesignError(f"{what}：列 {name} 第 {row} 行为空 / column {name!r} is missing a value")
    return column.index()


def _dense_codes(key: Ints) -> Ints:
    """0..K-1 codes for non-negative integer keys (sorted order)."""
    return np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)


def _interact(*codes: Ints) -> Ints:
    """Codes of the combination of several code vectors (each 0..K-1)."""
    out = codes[0]
    for more in codes[1:]:
        out = _dense_codes(out * (int(more.max()) + 1) + more)
    return out


def _stage(stratum: Ints, cluster: Ints, population: Floats | None) -> Stage:
    n_clusters = int(cluster.max()) + 1
    cluster_stratum = np.zeros(n_clusters, dtype=np.int64)
    cluster_stratum[cluster] = stratum
    n_strata = int(stratum.max()) + 1
    per_stratum = np.bincount(cluster_stratum, minlength=n_strata)
    first_row = np.full(n_strata, len(stratum), dtype=np.int64)
    np.minimum.at(first_row, stratum, np.arange(len(stratum)))
    n = per_stratum[stratum].astype(np.float64)
    return Stage(stratum, cluster, n, population, first_row, cluster_stratum)


def build_design(
    frame: Frame,
    *,
    ids: Sequence[str] = (),
    strata: str | Sequence[str] | None = None,
    weights: str | None = None,
    fpc: Sequence[str] = (),
    nest: bool = False,
    lonely_psu: LonelyPsu = "fail",
) -> Design:
    n = frame.n
    if n == 0:
        raise DesignError("数据没有任何行 / the data has no rows")
    id_codes = [_codes_of(frame, name, "ids") for name in ids] or [np.arange(n, dtype=np.int64)]
    strata_names = [strata] if isinstance(strata, str) else list(strata or [])
    has_strata = bool(strata_names)
    strata_codes = [_codes_of(frame, s, "strata") for s in strata_names] or [
        np.zeros(n, dtype=np.int64)
    ]
    if id_codes[0].min() == id_codes[0].max() and not (nest and has_strata):
        raise DesignError("只有一个初级抽样单位 / the design has only one primary sampling unit")
    stages_n = len(id_codes)
    clusters = [_interact(*id_codes[: i + 1]) for i in range(stages_n)]
    if nest and has_strata:
        clusters = [
            _interact(*strata_codes[: min(i + 1, len(strata_codes))], clusters[i])
            for i in range(stages_n)
        ]
    elif has_strata:
        strata_of_cluster = np.zeros(int(clusters[0].max()) + 1, dtype=np.int64)
        strata_of_cluster[clusters[0]] = strata_codes[0]
        if (strata_of_cluster[clusters[0]] != strata_codes[0]).any():
            raise DesignError(
                "初级抽样单位跨越多个层；若单位编号只在层内唯一，请设 nest=true / clusters are "
                "not nested in strata at the top level; set nest to true if ids repeat across "
                "strata"
            )
    stage_strata = [strata_codes[0]]
    for i in range(1, stages_n):
        stage_strata.append(_interact(strata_codes[min(i, len(strata_codes) - 1)], clusters[i - 1]))
    bare = [_stage(stage_strata[i], clusters[i], None) for i in range(stages_n)]
    sampled = [stage.n for stage in bare]
    populations = _populations(frame, fpc, sampled)
    if weights:
        w = _weights(frame, weights)
    elif populations is not None:
        w = np.prod(np.stack([p / s for p, s in zip(populations, sampled, strict=True)]), axis=0)
    else:
        w = np.ones(n)
    stages = tuple(
        stage if populations is None else replace(stage, population=populations[i])
        for i, stage in enumerate(bare)
    )
    design = Design(
        w,
        stages,
        has_strata,
        populations is not None,
        lonely_psu,
        {"ids": "+".join(ids) or "1", "strata": "+".join(strata_names)},
    )
    check_lonely(design)
    return design


def _weights(frame: Frame, name: str) -> Floats:
    if name not in frame:
        raise DesignError(f"weights：数据中没有列 {name} / no column {name!r} in the data")
    column = frame[name]
    if column.numbers is None:
        raise DesignError(f"weights：列 {name} 不是数字 / column {name!r} is not numeric")
    if column.missing.any():
        raise DesignError(f"weights：列 {name} 有空值 / column {name!r} has missing values")
    if (column.numbers < 0).any():
        raise DesignError(f"weights：列 {name} 有负数 / column {name!r} has negative weights")
    return column.numbers.copy()


def _populations(frame: Frame, fpc: Sequence[str], sampled: list[Floats]) -> list[Floats] | None:
    if not fpc:
        return None
    if len(fpc) != len(sampled):
        raise DesignError(
            f"fpc 需每个抽样阶段一列（{len(sampled)} 列），实际 {len(fpc)} 列 / fpc needs one "
            f"column per stage ({len(sampled)}), got {len(fpc)}"
        )
    values = []
    for name in fpc:
        if name not in frame:
            raise DesignError(f"fpc：数据中没有列 {name} / no column {name!r} in the data")
        column = frame[name]
        if column.numbers is None or column.missing.any():
            raise DesignError(f"fpc：列 {name} 须为完整的数字 / column {name!r} must be numbers")
        values.append(column.numbers)
    stacked = np.stack(values)
    is_population = bool((stacked > 1).any())
    if is_population != bool((stacked >= 1).all()):
        raise DesignError(
            "fpc 须全部 ≥1（总体数）或全部 ≤1（抽样比） / fpc must be all ≥ 1 (population "
            "sizes) or all ≤ 1 (sampling fractions)"
        )
    populations = []
    for i, (name, value) in enumerate(zip(fpc, values, strict=True)):
        population = value if is_population else sampled[i] / value
        short = population < sampled[i]
        if short.any():
            row = int(np.flatnonzero(short)[0])
            raise DesignError(
                f"fpc 列 {name}（第 {i + 1} 阶段）小于样本数：第 {row + 2} 行总体 "
                f"{population[row]:g}，样本 {sampled[i][row]:g} / fpc column {name!r} (stage "
                f"{i + 1}) is smaller than the sample: population {population[row]:g}, "
                f"sampled {sampled[i][row]:g} (row {row + 2})"
            )
        populations.append(population.astype(np.float64))
    return populations


def check_lonely(design: Design) -> None:
    """R's default ``survey.lonely.psu = "fail"``: a stratum with one sampled unit and a
    non-zero sampling variance cannot be estimated."""
    if design.lonely_psu != "fail":
        return
    for k, stage in enumerate(design.stages):
        if k > 0 and not design.has_fpc:
            break
        lonely = (stage.n == 1) & (stage.fraction_left() >= 1e-7)
        if lonely.any():
            row = int(np.flatnonzero(lonely)[0])
            raise DesignError(
                f"第 {k + 1} 阶段有只含一个抽样单位的层（如第 {row + 2} 行所在层）；可设 "
                f'lonely_psu 为 "certainty"、"remove"、"adjust" 或 "average" / stratum with '
                f"a single sampled unit at stage {k + 1} (e.g. row {row + 2}); set lonely_psu"
            )
