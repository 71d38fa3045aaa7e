"""Hot spots in the hotline's orders (热点), each a finding with its evidence and strength:

- **surges**: a category — in the whole city, or in one county — whose orders in the latest
  week exceed its normal range. The baseline is the mean of the ``BASELINE_WEEKS`` weeks before;
  the week is a surge when its count is at least ``MIN_COUNT``, at least ``MIN_RATIO`` times the
  baseline, and improbable as Poisson noise around it (upper tail p < ``ALPHA``, 0.1 %). The
  strength is −log10 p.
- **repeats**: a service centre named in complaints in the week beyond its own normal range —
  the same test as a surge, with at least ``MIN_REPEATS`` complaints;
- **clusters**: orders from ``MIN_CALLERS`` or more different callers whose texts share most of
  their words (Jaccard similarity of their word sets ≥ ``SIMILAR``) within the window, most of
  them (``CONCENTRATED``) from one place — one local problem many people call about (a problem
  called about all over the city shows as a surge instead).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

BASELINE_WEEKS = 8
MIN_COUNT = 10
MIN_RATIO = 1.5
ALPHA = 0.001
MIN_REPEATS = 3
SIMILAR = 0.6
MIN_CALLERS = 5
CONCENTRATED = 0.6


@dataclass(frozen=True)
class Surge:
    category: str
    place: str  # "" for the whole city
    count: int
    baseline: float
    p: float

    @property
    def strength(self) -> float:
        return -math.log10(max(self.p, 1e-300))


def surges(
    weekly: Mapping[tuple[str, str], Sequence[int]], *, min_count: int = MIN_COUNT
) -> list[Surge]:
    """``weekly``: per (category, place) the counts of the ``BASELINE_WEEKS`` weeks before and
    then the latest week (oldest first). Strongest first."""
    from scipy.stats import poisson  # here: scipy.stats takes half a second to import

    out = []
    for (category, place), counts in weekly.items():
        if len(counts) < 2:
            continue
        *before, now = counts
        before = list(before[-BASELINE_WEEKS:])
        base = float(np.mean(before)) if before else 0.0
        if now < min_count or now < MIN_RATIO * max(base, 1.0):
            continue
        p = float(poisson.sf(now - 1, max(base, 0.5)))  # P(X ≥ now)
        if p < ALPHA:
            out.append(Surge(category, place, int(now), base, p))
    return sorted(out, key=lambda s: (s.p, -s.count))


@dataclass
class Cluster:
    seed: int  # index of the first order
    members: list[int] = field(default_factory=list)
    words: frozenset[str] = frozenset()


def clusters(
    texts_words: Sequence[frozenset[str]], callers: Sequence[str], places: Sequence[str]
) -> list[Cluster]:
    """Greedy clustering in order: an order joins the first cluster whose seed's word set is
    ``SIMILAR`` to its own. Clusters with ``MIN_CALLERS`` different callers (a blank caller
    counts as different each time) and ``CONCENTRATED`` of their orders in one place are
    returned, largest first."""
    found: list[Cluster] = []
    index: dict[str, list[int]] = {}  # word -> clusters whose seed has it
    for i, words in enumerate(texts_words):
        if not words:
            continue
        candidates = {c for w in words for c in index.get(w, ())}
        home = None
        for c in sorted(candidates):
            seed = found[c].words
            if len(words & seed) / len(words | seed) >= SIMILAR:
                home = c
                break
        if home is None:
            found.append(Cluster(i, [i], words))
            for w in words:
                index.setdefault(w, []).append(len(found) - 1)
        else:
            found[home].members.append(i)
    kept = []
    for cluster in found:
        distinct = {callers[i] or f"#{i}" for i in cluster.members}
        where: dict[str, int] = {}
        for i in cluster.members:
            where[places[i]] = where.get(places[i], 0) + 1
        local = max(where.values()) >= CONCENTRATED * len(cluster.members)
        if len(distinct) >= MIN_CALLERS and local:
            kept.append(cluster)
    return sorted(kept, key=lambda c: -len(c.members))
