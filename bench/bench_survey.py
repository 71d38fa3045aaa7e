"""Design-based poll estimates at provincial scale, on ``minsheng.core.survey`` alone.

- 1,000,000 respondents in 2,000 regions (the strata), ~200,000 PSUs: every region's mean with
  its Taylor standard error (``svyby(~score, ~region, design, svymean)``) — target < 1 s;
- the same with 200 bootstrap replicates drawn as R draws them — target < 10 s;
- with ``--with-r``: R survey on 100,000 respondents / 200 regions, against Minsheng on the same
  data in the same run (target ≥ 100× faster). Installs r-base-core and r-cran-survey from
  Debian with apt-get only when asked (as root).

Prints a Markdown table; compare ratios within one run (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from minsheng.core.survey.design import build_design  # noqa: E402
from minsheng.core.survey.estimate import Survey, estimate  # noqa: E402
from minsheng.core.survey.frame import Frame  # noqa: E402
from minsheng.core.survey.replicates import bootstrap  # noqa: E402

T = TypeVar("T")


def poll(respondents: int, regions: int, psus: int, seed: int = 0) -> Frame:
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, psus, respondents))
    region = psu * regions // psus  # PSUs nested in regions
    level = rng.normal(80, 5, regions)[region]
    score = np.clip(level + rng.normal(0, 15, respondents), 0, 100).round()
    weight = rng.uniform(50, 150, respondents)
    return Frame.from_arrays({"region": region, "psu": psu, "score": score, "w": weight})


def timed(fn: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def minsheng_by_region(frame: Frame) -> list[object]:
    design = build_design(frame, ids=["psu"], strata="region", weights="w")
    return list(estimate(Survey(frame, design), "mean", "score", by=["region"]))


def write_poll(frame: Frame, workdir: Path) -> Path:
    """The poll as the CSV a user gives ``minsheng survey estimate`` (and R's ``read.csv``)."""
    csv = workdir / "poll.csv"
    cols = ["region", "psu", "score", "w"]
    data = np.column_stack([frame[c].numbers for c in cols])
    np.savetxt(csv, data, delimiter=",", header=",".join(cols), comments="", fmt="%.10g")
    return csv


def run_command(frame: Frame, workdir: Path, repeat: int = 3) -> float:
    """``minsheng survey estimate SPEC`` as a whole command (start-up, reading, estimating,
    writing JSON): the best of ``repeat`` runs."""
    write_poll(frame, workdir)
    spec = workdir / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "data": "poll.csv",
                "ids": ["psu"],
                "strata": ["region"],
                "weights": "w",
                "estimates": [{"stat": "mean", "var": "score", "by": ["region"]}],
            }
        )
    )
    command = [str(Path(sys.executable).with_name("minsheng")), "survey", "estimate", str(spec)]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def run_r(frame: Frame, workdir: Path) -> float:
    if shutil.which("Rscript") is None:
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "r-base-core", "r-cran-survey"],
            check=True,
            capture_output=True,
        )
    write_poll(frame, workdir)
    script = workdir / "bench.R"
    script.write_text(
        "suppressMessages(library(survey)); d <- read.csv('poll.csv');"
        "des <- svydesign(id=~psu, strata=~region, weights=~w, data=d);"
        "t <- system.time(r <- svyby(~score, ~region, des, svymean))[['elapsed']];"
        "cat(t, '\\n')"
    )
    out = subprocess.run(
        ["Rscript", str(script)], cwd=workdir, check=True, capture_output=True, text=True
    )
    return float(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--with-r", action="store_true", help="also time R survey (apt-get)")
    args = parser.parse_args()
    rows = []
    big = poll(1_000_000, 2_000, 200_000)
    t_design, design = timed(lambda: build_design(big, ids=["psu"], strata="region", weights="w"))
    t_est, result = timed(lambda: estimate(Survey(big, design), "mean", "score", by=["region"]))
    assert len(result) == 2000
    label = "1,000,000 resp., 2,000 regions, ~200,000 PSUs"
    rows.append((f"{label}: build the design", f"{t_design:.2f} s", ""))
    rows.append((f"{label}: all region means + Taylor SE", f"{t_est:.2f} s", ""))
    rows.append((f"{label}: both", f"{t_design + t_est:.2f} s", "< 1 s"))

    def boot() -> list[object]:
        reps = bootstrap(design, 200, seed=1)
        return list(estimate(Survey(big, design, None, reps), "mean", "score", by=["region"]))

    t, _ = timed(boot, repeat=1)
    rows.append(
        ("same, 200 bootstrap replicates (R's RNG), all region means", f"{t:.2f} s", "< 10 s")
    )
    with tempfile.TemporaryDirectory() as tmp:
        t_command = run_command(big, Path(tmp))
        rows.append(
            (f"{label}: `minsheng survey estimate`, whole command", f"{t_command:.2f} s", "")
        )
        if args.with_r:
            t_r_big = run_r(big, Path(tmp))
            rows.append(
                (
                    f"{label}: R survey `svyby(..., svymean)` on the same file",
                    f"{t_r_big:.1f} s",
                    f"ratio {t_r_big / t_command:.0f}× (target ≥ 150×)",
                )
            )
    if args.with_r:
        small = poll(100_000, 200, 20_000)
        small_design = build_design(small, ids=["psu"], strata="region", weights="w")
        t_ms, _ = timed(
            lambda: estimate(Survey(small, small_design), "mean", "score", by=["region"]), 5
        )
        with tempfile.TemporaryDirectory() as tmp:
            t_r = run_r(small, Path(tmp))
        rows.append(
            (
                "100,000 resp., 200 regions: Minsheng, all region means + SE",
                f"{t_ms * 1000:.1f} ms",
                "",
            )
        )
        rows.append(
            (
                "100,000 resp., 200 regions: R survey 4.1.1 `svyby(..., svymean)`",
                f"{t_r:.2f} s",
                f"ratio {t_r / t_ms:.0f}× (target ≥ 100×)",
            )
        )
    print("| survey estimation | time | target |")
    print("|---|---:|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main()
