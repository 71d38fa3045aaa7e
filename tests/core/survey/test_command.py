"""``minsheng survey estimate``: the documented JSON, no Django, and one clear message with
exit code 2 for every kind of bad SPEC."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from minsheng.cli import main; rc = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'Django was imported'; sys.exit(rc)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, "survey", "estimate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write_spec(tmp_path: Path, **fields: Any) -> Path:
    shutil.copy(DATA / "apiclus2.csv", tmp_path / "apiclus2.csv")
    spec = {
        "data": "apiclus2.csv",
        "ids": ["dnum", "snum"],
        "strata": None,
        "weights": None,
        "fpc": ["fpc1", "fpc2"],
        "calibrate": None,
        "replicates": None,
        "estimates": [{"stat": "mean", "var": "api00", "by": None}],
    }
    spec.update(fields)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return path


def test_issue_example_prints_json_rows_relative_to_the_spec(tmp_path: Path) -> None:
    result = run(write_spec(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"stat", "var", "by", "level", "estimate", "se", "ci_low", "ci_high", "n"}
    assert (row["stat"], row["var"], row["by"], row["level"], row["n"]) == (
        "mean",
        "api00",
        None,
        None,
        126,
    )
    # R: svymean(~api00, svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2))
    assert row["estimate"] == pytest.approx(670.8118, rel=1e-6)
    assert row["ci_low"] < row["estimate"] < row["ci_high"]


def test_categorical_rows_and_csv_output(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, estimates=[{"stat": "mean", "var": "sch.wide", "by": "stype"}])
    out = tmp_path / "out.csv"
    result = run(spec, "--format", "csv", "--output", out)
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "stat,var,by,level,category,estimate,se,ci_low,ci_high,n"
    assert [line.split(",")[3:5] for line in lines[1:]] == [
        ["E", "No"],
        ["E", "Yes"],
        ["H", "No"],
        ["H", "Yes"],
        ["M", "No"],
        ["M", "Yes"],
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ids": ["dnum", "nope"]}, "nope"),
        ({"estimates": [{"stat": "mean", "var": "api01"}]}, "api01"),
        ({"fpc": ["cnum", "fpc2"]}, "smaller than the sample"),
        ({"fpc": ["fpc1"]}, "one column per stage"),
        (
            {
                "ids": ["dnum"],
                "fpc": None,
                "weights": "pw",
                "calibrate": {"method": "poststratify", "margins": {"stype": {"E": 1, "H": 2}}},
            },
            "not in the margins",
        ),
        (
            {
                "ids": ["dnum"],
                "fpc": None,
                "weights": "pw",
                "calibrate": {
                    "method": "rake",
                    "margins": {"stype": {"E": 1, "H": 2, "M": 3, "X": 4}},
                },
            },
            "no sample",
        ),
        ({"replicates": {"type": "BRR"}}, "JK1 or bootstrap"),
        ({"strata": "dnum", "ids": ["snum"], "fpc": None}, "single sampled unit"),
        ({"estimates": [{"stat": "median", "var": "api00"}]}, "bad stat"),
        ({"colour": "blue"}, "unknown fields"),
        ({"data": "missing.csv"}, "cannot read"),
    ],
)
def test_bad_specs_exit_2_with_one_clear_message(
    tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    result = run(write_spec(tmp_path, **fields))
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text('{"data": ')
    result = run(path)
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr
