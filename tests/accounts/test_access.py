from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from minsheng.accounts.access import (
    access_organisation,
    access_region,
    organisations_visible,
    regions_visible,
    user_scope,
)
from minsheng.orgs.models import Organisation, Region
from tests.conftest import City


def test_quality_office_and_leader_see_the_whole_city(city: City) -> None:
    city_code = city.county.code[:4]
    n_below_city = Region.objects.filter(code__startswith=city_code).count()
    for name in ("quality", "leader"):
        assert regions_visible(city.users[name]).count() == n_below_city


def test_county_officer_sees_its_county_subtree_only(city: City) -> None:
    officer = city.users["county"]
    visible = set(regions_visible(officer).values_list("code", flat=True))
    expected = {r.code for r in Region.objects.all() if r.code.startswith(city.county.code[:6])}
    assert visible == expected
    assert access_region(officer, city.township.code) == city.township
    with pytest.raises(PermissionDenied):
        access_region(officer, city.other_county.code)
    with pytest.raises(PermissionDenied):
        access_region(officer, city.other_township.code)


def test_township_officer_cannot_read_its_county_or_a_neighbour(city: City) -> None:
    officer = city.users["township"]
    assert access_region(officer, city.township.code) == city.township
    with pytest.raises(PermissionDenied):
        access_region(officer, city.county.code)


def test_department_reporter_sees_its_own_department_only(city: City) -> None:
    reporter = city.users["reporter"]
    assert list(organisations_visible(reporter)) == [reporter.organisation]
    assert not regions_visible(reporter).exists()
    other = city.users["other_reporter"].organisation
    assert other is not None
    with pytest.raises(PermissionDenied):
        access_organisation(reporter, other.pk)


def test_window_staff_and_vendor_are_limited_to_their_organisation(city: City) -> None:
    for name in ("window", "vendor"):
        user = city.users[name]
        scope = user_scope(user)
        assert scope.region is None and scope.organisation == user.organisation
        with pytest.raises(PermissionDenied):
            access_region(user, city.county.code)


def test_anonymous_and_inactive_users_see_nothing(city: City) -> None:
    assert user_scope(AnonymousUser()).nothing
    with pytest.raises(PermissionDenied):
        access_region(AnonymousUser(), city.county.code)
    user = city.users["county"]
    user.is_active = False
    assert user_scope(user).nothing


def test_user_of_a_deactivated_organisation_sees_nothing(city: City) -> None:
    user = city.users["county"]
    Organisation.objects.filter(pk=user.organisation_id).update(is_active=False)
    user.refresh_from_db()
    assert not regions_visible(user).exists()


def test_unknown_region_is_404_not_403(city: City) -> None:
    with pytest.raises(Http404):
        access_region(city.users["quality"], "999999999999")


def test_a_region_role_in_the_wrong_kind_of_organisation_does_not_widen_scope(city: City) -> None:
    reporter = city.users["reporter"]
    reporter.role = "quality_office"  # as an admin might set it by mistake; the org is a department
    assert user_scope(reporter).region is None
    assert not regions_visible(reporter).exists()
