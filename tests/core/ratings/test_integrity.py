"""Integrity checks: each gaming pattern is flagged, honest data is not."""

from __future__ import annotations

import random

from minsheng.core.ratings.integrity import Event, Rules, find_flags

T0 = 1_790_000_000.0


def honest(n: int = 300, centre: int = 1, seed: int = 0) -> list[Event]:
    rng = random.Random(seed)
    events = []
    for k in range(n):
        at = T0 + k * 1800 + rng.uniform(0, 600)  # one rating every half hour or so
        level = rng.choices([5, 4, 3, 2, 1], [70, 20, 6, 3, 1])[0]
        events.append(Event(k, centre, k % 5, f"dev{k % 50}", level, "active", at, at - 600))
    return events


def kinds(events: list[Event], history: dict[int, tuple[int, int]] | None = None) -> set[str]:
    return {f.kind for f in find_flags(events, history or {1: (12, 1000)})}


def test_honest_month_has_no_flags() -> None:
    assert kinds(honest()) == set()


def test_burst_from_one_tablet_is_flagged_with_its_ratings() -> None:
    burst = [Event(10_000 + k, 1, 3, "tablet-7", 5, "active", T0 + k * 40, None) for k in range(9)]
    flags = find_flags(honest() + burst, {1: (12, 1000)})
    found = [f for f in flags if f.kind == "burst"]
    assert {f.subject for f in found} == {"device:tablet-7", "staff:3"}
    device = next(f for f in found if f.subject == "device:tablet-7")
    assert device.evidence["count"] == 9
    assert set(device.evidence["ratings"]) == {10_000 + k for k in range(9)}  # type: ignore[arg-type]


def test_eight_spread_over_an_hour_is_not_a_burst() -> None:
    spread = [
        Event(20_000 + k, 1, None, "kiosk", 5, "active", T0 + k * 600, None) for k in range(8)
    ]
    assert "burst" not in kinds(honest() + spread)


def test_before_handled_system_and_default_share() -> None:
    events = honest()
    events.append(Event(30_000, 1, None, "", 5, "active", T0, T0 + 3600))
    events.append(Event(30_001, 1, None, "", 5, "system", T0, None))
    events += [Event(31_000 + k, 1, None, "", 5, "default", T0, None) for k in range(120)]
    assert kinds(events) == {"before_handled", "system", "default_share"}


def test_shift_beyond_sampling_error() -> None:
    worse = honest()
    for e in worse[:60]:
        object.__setattr__(e, "level", 1)
    assert "shift" in kinds(worse, {1: (12, 1000)})
    # The same month against a history just as bad is no shift.
    assert "shift" not in kinds(worse, {1: (240, 1000)})


def test_rules_are_configurable() -> None:
    burst = [Event(10_000 + k, 1, None, "t", 5, "active", T0 + k * 40, None) for k in range(5)]
    assert not find_flags(burst, {}, Rules())
    assert find_flags(burst, {}, Rules(burst_count=5))


def test_the_demo_year_plants_both_patterns_and_the_checks_find_them() -> None:
    import datetime as dt

    from minsheng.core.ratings.demo import DemoCentre, DemoWindow, demo_ratings, plant

    centres = [
        DemoCentre("city", 2, tuple(DemoWindow(n, "d", (f"a{n}", f"b{n}")) for n in range(1, 23))),
        DemoCentre("county", 3, tuple(DemoWindow(n, "d", (f"s{n}",)) for n in range(1, 12))),
        DemoCentre("town", 4, (DemoWindow(1, "town", ("t",)),)),
    ]
    planted = plant(centres)
    ratings = list(
        demo_ratings(centres, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), seed=3)
    )
    events = [
        Event(
            k,
            ["city", "county", "town"].index(r.centre),
            hash(r.staff) if r.staff else None,
            r.device,
            r.level,
            str(r.source),
            r.rated_at.timestamp(),
            r.handled_at.timestamp(),
        )
        for k, r in enumerate(ratings)
    ]
    flags = find_flags(events, {})
    by_kind = {(f.kind, f.centre) for f in flags}
    county, town = 1, 2
    assert ("burst", county) in by_kind and ("before_handled", county) in by_kind
    assert ("default_share", town) in by_kind and ("system", town) in by_kind
    assert planted.self_rating_centre == "county" and planted.default_centre == "town"
    # Honest centres are not flagged for gaming.
    assert not {k for k, c in by_kind if c == 0} & {"burst", "before_handled", "default_share"}
    # Realistic rates: the city's active ratings are mostly good, a few percent bad.
    city_active = [r for r in ratings if r.centre == "city" and str(r.source) == "active"]
    bad = sum(r.level <= 2 for r in city_active) / len(city_active)
    assert 0.002 < bad < 0.06
