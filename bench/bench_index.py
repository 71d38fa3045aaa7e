"""The level index at national scale: 2,844 county-level regions × 80 indicators × 20 quarters.

Times, on ``minsheng.core.index`` alone (no Django, no database):

- the full computation of one period — scores, category and overall indices, ranks, movement
  against the previous quarter, attainment, projections, warnings — target < 2 s;
- 1,000 Monte Carlo runs (weights, normalisation, aggregation) — target < 20 s;
- ``minsheng index compute`` as a whole command on the national OBS CSV, every quarter
  (4.4 million rows, ~100 MB; goal ≤ 3 s), its reading and checking steps apart, with the
  command's peak memory.

Prints a Markdown table; compare ratios within one run (the machine is shared and noisy).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import measure  # noqa: E402
from minsheng.core.columnar import read_columns  # noqa: E402
from minsheng.core.index import engine, report, uncertainty  # noqa: E402
from minsheng.core.index.files import parse_observations  # noqa: E402
from minsheng.core.index.model import Indicator, Panel, Policy  # noqa: E402
from minsheng.core.index.periods import Period  # noqa: E402

REGIONS, INDICATORS, QUARTERS = 2844, 80, 20
CATEGORIES = 12


def national_panel(seed: int = 0) -> Panel:
    rng = np.random.default_rng(seed)
    inds = tuple(
        Indicator(
            code=f"I{i:02d}",
            name=f"指标{i}",
            category=f"C{i % CATEGORIES:02d}",
            polarity=1 if i % 4 else -1,
            weight=float(1 + i % 3),
            target=110.0 if i % 4 else 90.0,
            lower=0.0,
            upper=200.0,
        )
        for i in range(INDICATORS)
    )
    periods = tuple(Period(2021 + q // 4, q % 4 + 1) for q in range(QUARTERS))
    level = rng.normal(100, 15, (REGIONS, INDICATORS, 1))
    trend = rng.normal(0.5, 0.5, (REGIONS, INDICATORS, 1)) * np.arange(QUARTERS)
    values = level + trend + rng.normal(0, 2, (REGIONS, INDICATORS, QUARTERS))
    values[rng.random(values.shape) < 0.03] = np.nan  # 3 % missing
    regions = tuple(f"{110101 + k:06d}000000" for k in range(REGIONS))
    return Panel(regions, inds, periods, values)


def write_files(panel: Panel, folder: Path) -> tuple[Path, Path]:
    """CATALOG.csv and the whole OBS.csv (every quarter) as a province would send them."""
    cat_path = folder / "catalog.csv"
    lines = ["code,name,category,polarity,weight,target,lower,upper"]
    for ind in panel.indicators:
        lines.append(
            f"{ind.code},{ind.name},{ind.category},{ind.polarity},{ind.weight},"
            f"{ind.target},{ind.lower},{ind.upper}"
        )
    cat_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    obs_path = folder / "obs.csv"
    r, i, t = np.nonzero(~np.isnan(panel.values))
    regions = np.asarray(panel.regions)[r]
    periods = np.asarray([str(p) for p in panel.periods])[t]
    codes = np.asarray([ind.code for ind in panel.indicators])[i]
    values = np.char.mod("%.4f", panel.values[r, i, t])
    body = np.char.add(np.char.add(np.char.add(np.char.add(regions, ","), periods), ","), codes)
    body = np.char.add(np.char.add(body, ","), values)
    obs_path.write_text("region,period,indicator,value\n" + "\n".join(body.tolist()) + "\n")
    return cat_path, obs_path


def command(argv: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time of a command and its own peak resident memory (GiB)."""
    seconds, peak, _ = measure.median_run(argv, repeat)
    return seconds, peak


def timed(fn: object, repeat: int) -> tuple[float, object]:
    samples, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), out


def main() -> None:
    panel = national_panel()
    period = panel.periods[-1]
    rows: list[tuple[str, float, str]] = []

    t_full, result = timed(lambda: engine.compute(panel, period), 5)
    n_warn = len(result.warnings)  # type: ignore[attr-defined]
    rows.append(
        (
            "full computation of one period (no Monte Carlo)",
            t_full,
            f"{n_warn:,} warnings; target < 2 s",
        )
    )
    t_geo, _ = timed(
        lambda: engine.compute(panel, period, Policy(aggregate="geometric", normalise="zscore")), 3
    )
    rows.append(("same, z-score + geometric", t_geo, ""))
    t_json, _ = timed(lambda: report.to_json(result), 1)  # type: ignore[arg-type]
    rows.append(("result as JSON-ready rows (227,520 scores)", t_json, ""))
    mc = uncertainty.MonteCarlo(runs=1000, seed=1)
    t_mc, mc_result = timed(lambda: engine.compute(panel, period, mc=mc), 1)
    spread = mc_result.spread  # type: ignore[attr-defined]
    width = float(np.nanmedian(spread.p95 - spread.p05))
    rows.append(
        (
            "full computation + 1,000 Monte Carlo runs",
            t_mc,
            f"median rank interval width {width:.0f}; target < 20 s",
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        cat_path, obs_path = write_files(panel, Path(tmp))
        n = int((~np.isnan(panel.values)).sum())
        size = obs_path.stat().st_size / 1e6
        t_read, columns = timed(lambda: read_columns(obs_path.read_bytes(), filename="obs.csv"), 3)
        rows.append(
            (f"read OBS CSV ({n:,} rows, {size:.0f} MB)", t_read, f"{n / t_read:,.0f} rows/s")
        )
        t_parse, _ = timed(lambda: parse_observations(columns, list(panel.indicators)), 3)  # type: ignore[arg-type]
        rows.append(("check every OBS cell into the panel", t_parse, f"{n / t_parse:,.0f} rows/s"))
        for fmt in ("json", "xlsx"):
            out = Path(tmp) / f"out.{fmt}"
            argv = [
                str(ROOT / ".venv/bin/minsheng"),
                "index",
                "compute",
                "--catalog",
                str(cat_path),
                "--observations",
                str(obs_path),
                "--period",
                str(panel.periods[-1]),
                "--format",
                fmt,
                "--output",
                str(out),
            ]
            t_cmd, peak = command(argv, 3 if fmt == "json" else 1)
            rows.append(
                (
                    f"**`minsheng index compute`, whole command, {fmt}**",
                    t_cmd,
                    f"peak {peak:.2f} GiB; goal ≤ 3 s" if fmt == "json" else f"peak {peak:.2f} GiB",
                )
            )

    print("## Level index at national scale (`bench/bench_index.py`)\n")
    print(
        f"{REGIONS:,} regions × {INDICATORS} indicators ({CATEGORIES} categories) × "
        f"{QUARTERS} quarters, 3 % missing; median of repeated runs.\n"
    )
    print("| step | seconds | note |\n|---|---:|---|")
    for name, secs, note in rows:
        print(f"| {name} | {secs:.3f} | {note} |")


if __name__ == "__main__":
    main()
