"""``minsheng index compute`` on files: the documented formats, errors located, no Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from minsheng.core.columnar import read_columns
from minsheng.core.index import engine, report
from minsheng.core.index.files import parse_catalog, parse_observations
from minsheng.core.index.periods import Period
from minsheng.core.tabular import TableError, read_table

CATALOG = """code,name,category,unit,polarity,weight,target,lower,upper
A,生均校舍面积,公共教育,平方米,1,1,10,0,20
B,每千人口床位,医疗服务,张,1,2,6,,
C,失业率,公共就业,%,-1,,3,0,10
"""


def obs_rows() -> list[str]:
    rows = []
    for r, base in (("320101", 8.0), ("320102", 10.0), ("320103", 12.0)):
        for q, step in (("2025Q3", 0.0), ("2025Q4", 0.5)):
            rows += [f"{r},{q},A,{base + step}", f"{r},{q},B,{base / 2}", f"{r},{q},C,{base / 3}"]
    return rows


def write(
    tmp_path: Path, catalog: str = CATALOG, rows: list[str] | None = None, encoding: str = "utf-8"
) -> tuple[Path, Path]:
    cat = tmp_path / "catalog.csv"
    cat.write_text(catalog, encoding=encoding)
    obs = tmp_path / "obs.csv"
    obs.write_text("region,period,indicator,value\n" + "\n".join(rows or obs_rows()) + "\n")
    return cat, obs


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from minsheng.cli import main; rc = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'Django was imported'; sys.exit(rc)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, "index", "compute", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compute_prints_the_documented_json_without_starting_django(tmp_path: Path) -> None:
    cat, obs = write(tmp_path)
    result = run(
        "--catalog",
        cat,
        "--observations",
        obs,
        "--period",
        "2025Q4",
        "--uncertainty",
        "50",
        "--seed",
        "1",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"regions", "scores", "warnings", "policy"}
    top = data["regions"][0]
    assert {"region", "index", "rank", "rank_p05", "rank_p95", "categories"} <= set(top)
    assert top["region"] == "320103" and top["rank"] == 1
    assert set(top["categories"]) == {"公共教育", "医疗服务", "公共就业"}
    assert {"region", "indicator", "value", "score", "attainment", "vs_average"} <= set(
        data["scores"][0]
    )
    assert data["policy"]["normalise"] == "minmax" and data["policy"]["uncertainty"]["runs"] == 50
    assert all(
        {"region", "indicator", "rule", "severity", "message"} <= set(w) for w in data["warnings"]
    )


def test_compute_writes_an_excel_workbook(tmp_path: Path) -> None:
    cat, obs = write(tmp_path)
    out = tmp_path / "index.xlsx"
    result = run(
        "--catalog",
        cat,
        "--observations",
        obs,
        "--period",
        "2025Q4",
        "--format",
        "xlsx",
        "--output",
        out,
        "--normalise",
        "zscore",
    )
    assert result.returncode == 0, result.stderr
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["排名", "指标得分", "预警", "口径"]
    rows = list(book["排名"].iter_rows(values_only=True))
    assert rows[0][:4] == ("地区代码", "地区", "水平指数", "排名") and len(rows) == 4


def test_gbk_catalog_is_read(tmp_path: Path) -> None:
    cat, _ = write(tmp_path, encoding="gbk")
    indicators = parse_catalog(read_table(cat.read_bytes(), filename="catalog.csv"))
    assert indicators[0].name == "生均校舍面积"
    assert indicators[2].polarity == -1 and indicators[2].weight == 1.0


def test_catalog_errors_are_located(tmp_path: Path) -> None:
    bad = CATALOG + "A,重复,公共教育,,2,x,,5,1\n"
    with pytest.raises(TableError) as info:
        parse_catalog(read_table(bad.encode(), filename="catalog.csv"))
    where = {(e.row, e.column) for e in info.value.errors}
    assert {(5, "code"), (5, "polarity"), (5, "weight"), (5, "upper")} <= where


def test_observation_errors_are_all_listed_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        *obs_rows(),
        "320101,2025Q4,A,9",
        "320104,2025Q9,A,1",
        "320105,2025Q4,Z,1",
        "320106,2025Q4,A,十二",
    ]
    cat, obs = write(tmp_path, rows=rows)
    catalog = parse_catalog(read_table(cat.read_bytes(), filename="catalog.csv"))
    with pytest.raises(TableError) as info:
        parse_observations(read_columns(obs.read_bytes(), filename="obs.csv"), catalog)
    found = {(e.row, e.column) for e in info.value.errors}
    n = len(obs_rows()) + 1
    assert found == {
        (n + 1, "indicator"),
        (n + 2, "period"),
        (n + 3, "indicator"),
        (n + 4, "value"),
    }
    result = run("--catalog", cat, "--observations", obs, "--period", "2025Q4")
    assert result.returncode == 2
    assert "第 20 行" in result.stderr and "十二" in result.stderr
    assert "Traceback" not in result.stderr


def test_blank_values_are_missing_not_errors(tmp_path: Path) -> None:
    rows = [r if not r.startswith("320101,2025Q4,B") else "320101,2025Q4,B," for r in obs_rows()]
    cat, obs = write(tmp_path, rows=rows)
    result = run("--catalog", cat, "--observations", obs, "--period", "2025Q4")
    assert result.returncode == 0, result.stderr
    score = next(
        s
        for s in json.loads(result.stdout)["scores"]
        if s["region"] == "320101" and s["indicator"] == "B"
    )
    assert score["value"] is None and score["score"] is None


def test_target_normalisation_without_targets_names_the_indicators(tmp_path: Path) -> None:
    cat, obs = write(tmp_path)
    result = run(
        "--catalog", cat, "--observations", obs, "--period", "2025Q4", "--normalise", "goalposts"
    )
    assert result.returncode == 2
    assert "B" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_row_order_of_the_file_does_not_change_the_output(tmp_path: Path) -> None:
    cat, obs = write(tmp_path)
    first = run("--catalog", cat, "--observations", obs, "--period", "2025Q4").stdout
    cat2, obs2 = write(
        tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path, rows=obs_rows()[::-1]
    )
    second = run("--catalog", cat2, "--observations", obs2, "--period", "2025Q4").stdout
    assert json.loads(first) == json.loads(second)


def test_the_command_json_equals_the_result_as_data(tmp_path: Path) -> None:
    """``json_text`` (polars writes the long lists) says exactly what ``to_json`` says."""
    cat, obs = write(tmp_path, rows=[*obs_rows(), "320104,2025Q4,A,"])
    catalog = parse_catalog(read_table(cat.read_bytes(), filename="catalog.csv"))
    panel = parse_observations(read_columns(obs.read_bytes(), filename="obs.csv"), catalog)
    result = engine.compute(panel, Period.parse("2025Q4"))
    assert result.warnings
    assert json.loads(report.json_text(result)) == report.to_json(result)
