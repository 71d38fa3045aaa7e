"""With the store's engine set to Apache Spark (``MINSHENG_ANALYTICS=spark``, local mode), the
results page's region scores and their standard errors come from Spark over the round's snapshot
— and equal the figures computed on this machine, so the ranks and intervals are the same."""

from __future__ import annotations

import math
import shutil
from typing import Any

import pytest

from minsheng.polls import results
from minsheng.polls.memo import memo_clear
from tests.conftest import City, on_spark
from tests.polls.test_drilldown import _poll_with_townships


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
@pytest.mark.parametrize("level", ["county", "township"])
def test_spark_scores_the_regions_as_this_machine_does(
    city: City, settings: Any, monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    poll = _poll_with_townships(city)
    here = results.poll_results(poll, level)
    memo_clear()
    used = on_spark(settings, monkeypatch, results)
    there = results.poll_results(poll, level)
    assert used == ["spark"]  # the scores came through a Spark session
    assert len(here.rows) == len(there.rows) >= 2
    for a, b in zip(here.rows, there.rows, strict=True):
        assert (a.code, a.n, a.rank.rank) == (b.code, b.n, b.rank.rank)
        assert math.isclose(a.score, b.score, rel_tol=1e-12)
        assert math.isclose(a.se, b.se, rel_tol=1e-9)
