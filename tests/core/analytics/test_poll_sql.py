"""A poll's domain estimates in SQL (``core.analytics.polls``): DuckDB and Apache Spark (local
mode) give the same numbers (to 1e-12: the engines add in different orders), and both give what
``core.survey.estimate`` gives on the same respondents — scored by ``core.polls.scoring``, the
plan cells as strata, a lone respondent in a cell, respondents without a score, regions at the
county level itself — for counties and for townships."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from minsheng.core.analytics import engines
from minsheng.core.analytics.polls import ANSWER, domain_means, domain_means_sql
from minsheng.core.polls.scales import SCALES, Scale
from minsheng.core.polls.scoring import ItemScoring, score_columns
from minsheng.core.regions import Level
from minsheng.core.survey.design import build_design
from minsheng.core.survey.estimate import Survey, estimate
from minsheng.core.survey.frame import Frame, number_series, text_series

SAT = SCALES[Scale.SATISFACTION]
ITEMS = [
    ItemScoring("A", SAT.scores, SAT.satisfied, 2.0),
    ItemScoring("B", SAT.scores, SAT.satisfied, 1.0),
    ItemScoring("C", {**SAT.scores, "1": 95.0}, SAT.satisfied, 0.5),  # a poll's own scores
    ItemScoring("Q0", SAT.scores, SAT.satisfied, 1.0, True),
]
TABLE = "respondents"


def snapshot(n: int = 3000, seed: int = 8) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    counties = [f"3901{c:02d}000000" for c in range(1, 4)]
    towns = [(f"3901{c:02d}{t:03d}000", county) for c, county in enumerate(counties, 1)
             for t in range(1, 6)]  # fmt: skip
    pick = rng.integers(0, len(towns) + 3, n)  # the last three: a county's own respondents
    region = [towns[k][0] if k < len(towns) else counties[k - len(towns)] for k in pick]
    county = [towns[k][1] if k < len(towns) else None for k in pick]
    level = [int(Level.TOWNSHIP) if k < len(towns) else int(Level.COUNTY) for k in pick]
    cell = rng.integers(1, 12, n).astype(float)
    cell[0] = 99.0  # a cell with one respondent
    codes = {}
    for item in ("A", "B", "C", "Q0"):
        answer = rng.choice([1, 2, 3, 4, 5, 9], n, p=[0.3, 0.3, 0.2, 0.1, 0.05, 0.05])
        codes[ANSWER + item] = pl.Series(answer, dtype=pl.Int16).set(
            pl.Series(rng.random(n) < 0.05), None
        )
    nobody = np.flatnonzero(rng.random(n) < 0.02)  # answered nothing scored
    for item in ("A", "B", "C"):
        codes[ANSWER + item] = codes[ANSWER + item].scatter(nobody, None)
    return pl.DataFrame(
        {
            "region_code": region,
            "region_level": level,
            "county_code": pl.Series(county, dtype=pl.String),
            "cell_id": pl.Series(cell, dtype=pl.Int64),
            "stratum": [""] * n,
            "weight": rng.uniform(20, 200, n),
            **codes,
        }
    )


def by_numpy(data: pl.DataFrame, level: str) -> dict[str, tuple[int, float, float]]:
    scored = score_columns(
        data.select(pl.col(ANSWER + i.code).alias(i.code) for i in ITEMS), ITEMS, items_too=False
    )
    county = data["county_code"].fill_null(data["region_code"])
    own = data["region_level"] == int(Level.COUNTY)
    domain = (
        data["region_code"]
        if level == "township"
        else pl.select(pl.when(own).then(data["region_code"]).otherwise(county)).to_series()
    )
    frame = Frame(
        {
            "domain": text_series("domain", domain),
            "stratum": number_series("stratum", data["cell_id"]),
            "w": number_series("w", data["weight"]),
            **Frame.from_arrays({"score": scored.overall}).columns,
        }
    )
    design = build_design(frame, strata="stratum", weights="w", lonely_psu="adjust")
    rows = estimate(Survey(frame, design), "mean", "score", by=["domain"])
    return {str(e.level): (e.n, e.estimate, e.se) for e in rows}


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    root = tmp_path_factory.mktemp("store")
    data = snapshot()
    path = root / "version-0000000000000001.parquet"
    data.write_parquet(path)
    return path, data


def check(found: list[object], expected: dict[str, tuple[int, float, float]]) -> None:
    got = {m.domain: (m.n, m.estimate, m.se) for m in found}  # type: ignore[attr-defined]
    assert set(got) == set(expected)
    for domain, (n, est, se) in expected.items():
        assert got[domain][0] == n
        assert math.isclose(got[domain][1], est, rel_tol=1e-12)
        assert math.isclose(got[domain][2], se, rel_tol=1e-9), domain


@pytest.mark.parametrize("level", ["county", "township"])
def test_duckdb_gives_the_survey_estimates(
    stored: tuple[Path, pl.DataFrame], level: str, tmp_path: Path
) -> None:
    path, data = stored
    duck = engines.DuckDB(tmp_path)
    rows = duck.rows(domain_means_sql(TABLE, ITEMS, level, duck.quote), [], {TABLE: path})
    check(domain_means(rows), by_numpy(data, level))


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_gives_the_same_numbers_as_duckdb(stored: tuple[Path, pl.DataFrame]) -> None:
    pytest.importorskip("pyspark")
    path, data = stored
    spark = engines.engine("spark", path.parent, "local[2]")
    for level in ("county", "township"):
        rows = spark.rows(domain_means_sql(TABLE, ITEMS, level, spark.quote), [], {TABLE: path})
        check(domain_means(rows), by_numpy(data, level))
