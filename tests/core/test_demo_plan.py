from __future__ import annotations

from collections import Counter

from minsheng.core.demo_plan import Scale, build_plan
from minsheng.core.regions import AdminCode, Level
from minsheng.core.roles import Role


def test_same_scale_and_seed_give_the_same_plan() -> None:
    assert build_plan(Scale.CITY, 11) == build_plan(Scale.CITY, 11)
    assert build_plan(Scale.CITY, 11).regions != build_plan(Scale.CITY, 12).regions


def test_city_scale_is_one_city_of_eight_counties_with_about_15_townships_and_10_villages() -> None:
    plan = build_plan(Scale.CITY, 2025)
    levels = Counter(r.level for r in plan.regions)
    assert levels[Level.PROVINCE] == 1
    # The demo city and the province's eleven other cities (names only: no counties below).
    assert levels[Level.CITY] == 12
    with_counties = {r.code[:4] for r in plan.regions_at(Level.COUNTY)}
    assert len(with_counties) == 1
    assert levels[Level.COUNTY] == 8
    assert 12 * 8 <= levels[Level.TOWNSHIP] <= 18 * 8
    assert 7 * levels[Level.TOWNSHIP] <= levels[Level.VILLAGE] <= 13 * levels[Level.TOWNSHIP]


def test_every_code_is_valid_unique_and_has_its_parent_in_the_plan() -> None:
    plan = build_plan(Scale.CITY, 3)
    codes = [r.code for r in plan.regions]
    assert len(codes) == len(set(codes))
    known = set(codes)
    for region in plan.regions:
        code = AdminCode.parse(region.code)
        assert code.level == region.level
        assert code.parent is None or code.parent.value in known


def test_names_are_unique_within_their_level() -> None:
    plan = build_plan(Scale.CITY, 5)
    for level in Level:
        names = [r.name for r in plan.regions_at(level)]
        assert len(names) == len(set(names)), level


def test_three_level_service_network_every_township_and_village_has_its_centre() -> None:
    plan = build_plan(Scale.CITY, 9)
    centres = {o.region_code: o for o in plan.organisations if o.centre_level is not None}
    demo_city = next(plan.regions_at(Level.CITY)).code[:4]
    for region in plan.regions:
        if region.level >= Level.CITY and region.code.startswith(demo_city):
            assert centres[region.code].centre_level == region.level
    assert centres[next(plan.regions_at(Level.TOWNSHIP)).code].name.endswith("便民服务中心")
    assert centres[next(plan.regions_at(Level.VILLAGE)).code].name.endswith("便民服务站")
    window_keys = {(w.centre_key, w.number) for w in plan.windows}
    assert all((s.centre_key, s.window_number) in window_keys for s in plan.staff)


def test_peer_groups_hold_regions_of_their_own_level() -> None:
    plan = build_plan(Scale.CITY, 9)
    level_of = {r.code: r.level for r in plan.regions}
    county_group = next(g for g in plan.peer_groups if g.key.startswith("counties-"))
    assert len(county_group.member_codes) == 8
    for group in plan.peer_groups:
        assert {level_of[c] for c in group.member_codes} == {group.level}


def test_one_login_per_role_each_in_an_existing_organisation() -> None:
    plan = build_plan(Scale.TEST, 1)
    assert {u.role for u in plan.users} == set(Role)
    org_keys = {o.key for o in plan.organisations}
    assert all(u.org_key in org_keys for u in plan.users)


def test_province_scale_has_many_cities() -> None:
    plan = build_plan(Scale.PROVINCE, 1)
    assert sum(1 for _ in plan.regions_at(Level.CITY)) == 13
    assert any(g.key == "province-counties" for g in plan.peer_groups)
