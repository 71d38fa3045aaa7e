"""The inspection draw: reproducible from its seed, stratified, weighted against sites visited
lately — checked against the inclusion probability of one weighted draw, w ÷ Σw (Efraimidis
and Spirakis 2006) — and inspectors never sent to their own unit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from minsheng.core.inspect.command import main
from minsheng.core.inspect.draw import DrawError, Inspector, Site, assign, draw_sites

TODAY = dt.date(2026, 12, 1)


def _sites() -> list[Site]:
    return [
        Site(f"{county}-{k}", county, f"gov-{county}", None)
        for county in ("A", "B", "C")
        for k in range(10)
    ]


def test_same_seed_same_sites_per_stratum() -> None:
    first = draw_sites(_sites(), 3, seed=7, today=TODAY)
    assert first == draw_sites(_sites(), 3, seed=7, today=TODAY)
    assert first != draw_sites(_sites(), 3, seed=8, today=TODAY)
    assert sorted(s.stratum for s in first) == ["A"] * 3 + ["B"] * 3 + ["C"] * 3
    some = draw_sites(_sites(), {"A": 12, "B": 1}, seed=7, today=TODAY)
    assert [s.stratum for s in some].count("A") == 10 and [s.stratum for s in some].count("B") == 1
    with pytest.raises(DrawError):
        draw_sites(_sites(), 1, seed=1, today=TODAY, recent_weight=0)


def test_recently_visited_sites_are_drawn_less_often() -> None:
    """Four sites, one visited a month ago (weight ¼): drawing one site, it comes up with
    probability 0.25 ÷ 3.25 ≈ 0.0769, each of the others 1 ÷ 3.25 ≈ 0.3077. Over 20,000 seeds
    the frequencies must be within 4 standard errors of those."""
    sites = [Site(f"s{k}", "x", "u", TODAY - dt.timedelta(days=30) if k == 0 else None)
             for k in range(4)]  # fmt: skip
    runs = 20_000
    counts = {s.key: 0 for s in sites}
    for seed in range(runs):
        (one,) = draw_sites(sites, 1, seed=seed, today=TODAY)
        counts[one.key] += 1
    for key, expected in (("s0", 0.25 / 3.25), ("s1", 1 / 3.25)):
        se = (expected * (1 - expected) / runs) ** 0.5
        assert abs(counts[key] / runs - expected) < 4 * se, (key, counts[key] / runs)
    # A visit long ago does not count as recent.
    old = [Site("s0", "x", "u", TODAY - dt.timedelta(days=400)), Site("s1", "x", "u")]
    share = sum(draw_sites(old, 1, seed=s, today=TODAY)[0].key == "s0" for s in range(4000))
    assert abs(share / 4000 - 0.5) < 4 * (0.25 / 4000) ** 0.5


def test_no_inspector_visits_their_own_unit() -> None:
    chosen = draw_sites(_sites(), 2, seed=3, today=TODAY)
    people = [Inspector("p1", "gov-A"), Inspector("p2", "gov-B"), Inspector("p3", "gov-A")]
    visits = assign(chosen, people)
    units = {p.key: p.unit for p in people}
    assert all(v.inspector is not None and units[v.inspector] != v.site.unit for v in visits)
    loads = [sum(v.inspector == p.key for v in visits) for p in people]
    assert max(loads) - min(loads) <= 1  # spread evenly
    alone = assign(chosen, [Inspector("p1", "gov-A")])
    assert [v.inspector for v in alone if v.site.unit == "gov-A"] == [None, None]


def test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "站点,分层,单位,上次检查\n中心1,甲县,甲县政府,2026-10-01\n中心2,甲县,甲县政府,\n"
        "中心3,乙县,乙县政府,\n",
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_text("检查人员,所在单位\n张三,甲县政府\n李四,乙县政府\n", encoding="utf-8")
    args = ["draw", "--sites", str(sites), "--per-stratum", "1", "--seed", "5",
            "--today", "2026-12-01", "--inspectors", str(people)]  # fmt: skip
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["visits"]) == 2 and out["unassigned"] == 0
    assert {v["stratum"]: v["inspector"] for v in out["visits"]} == {"甲县": "李四", "乙县": "张三"}
    sites.write_text("站点,分层,单位,上次检查\n中心1,,甲县政府,昨天\n中心1,甲县,甲县政府,\n",
                     encoding="utf-8")  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "第 2 行" in err and "第 3 行" in err


def test_no_one_inspects_a_site_their_unit_answers_for() -> None:
    # A village centre: its own unit is the village; the township and county above answer for
    # it too, so their officers may not inspect it; a city inspector may.
    site = Site("v1", "县", "village-1", None, ("township-1", "county-1"))
    for unit in ("village-1", "township-1", "county-1"):
        assert assign([site], [Inspector("x", unit)])[0].inspector is None
    assert assign([site], [Inspector("x", "county-1"), Inspector("y", "city")])[0].inspector == "y"
