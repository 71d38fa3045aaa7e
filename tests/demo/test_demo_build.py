from __future__ import annotations

import pytest

from minsheng.accounts.models import User
from minsheng.core.demo_plan import Scale, build_plan
from minsheng.core.regions import Level
from minsheng.demo.services import DemoExistsError, demo_build
from minsheng.orgs.models import Organisation, PeerGroup, Region, Staff, Window


@pytest.mark.django_db(transaction=True)  # from an empty database (tests share a built city)
def test_demo_database_matches_its_plan() -> None:
    plan = build_plan(Scale.TEST, 3)
    demo_build(scale=Scale.TEST, seed=3, password="pw-demo-123")
    assert Region.objects.count() == len(plan.regions)
    assert Organisation.objects.count() == len(plan.organisations)
    assert Window.objects.count() == len(plan.windows)
    assert Staff.objects.count() == len(plan.staff)
    assert PeerGroup.objects.count() == len(plan.peer_groups)
    assert set(User.objects.values_list("username", flat=True)) == {u.username for u in plan.users}
    window_user = User.objects.get(username="window")
    assert window_user.staff_record.centre == window_user.organisation  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_ancestor_columns_make_subtree_equal_to_code_prefix() -> None:
    demo_build(scale=Scale.TEST, seed=4, password="pw-demo-123")
    for region in Region.objects.exclude(level=Level.VILLAGE):
        prefix = region.code[: {1: 2, 2: 4, 3: 6, 4: 9}[region.level]]
        by_column = set(
            Region.objects.filter(**region.subtree_filter()).values_list("code", flat=True)
        )
        by_prefix = set(
            Region.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        )
        assert by_column == by_prefix, region.code


@pytest.mark.django_db(transaction=True)  # --reset flushes tables, as it does outside tests
def test_second_build_refuses_and_reset_rebuilds() -> None:
    demo_build(scale=Scale.TEST, seed=5, password="pw-demo-123")
    names = list(Region.objects.values_list("name", flat=True))
    with pytest.raises(DemoExistsError):
        demo_build(scale=Scale.TEST, seed=6, password="pw-demo-123")
    assert list(Region.objects.values_list("name", flat=True)) == names
    demo_build(scale=Scale.TEST, seed=6, password="pw-demo-123", reset=True)
    assert list(Region.objects.values_list("name", flat=True)) != names
    assert User.objects.filter(username="quality").count() == 1


@pytest.mark.django_db(transaction=True)
def test_demo_logins_work_with_the_demo_password() -> None:
    demo_build(scale=Scale.TEST, seed=5, password="pw-demo-123")
    assert User.objects.get(username="leader").check_password("pw-demo-123")
