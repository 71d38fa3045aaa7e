"""Every page: the insider gets it in Chinese, an outsider is refused, anonymous goes to login."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from minsheng.orgs.models import Organisation
from tests.conftest import City

Url = Callable[[City], str]


def _region(attr: str) -> Url:
    return lambda c: reverse("region_detail", args=[getattr(c, attr).code])


def _children(attr: str) -> Url:
    return lambda c: reverse("region_children", args=[getattr(c, attr).code])


def _export(attr: str) -> Url:
    return lambda c: reverse("region_export", args=[getattr(c, attr).code])


def _org(username: str) -> Url:
    return lambda c: reverse("organisation_detail", args=[c.users[username].organisation_id])


def _centre(attr: str) -> Url:
    return lambda c: reverse(
        "organisation_detail",
        args=[Organisation.objects.get(key=f"centre-{getattr(c, attr).code}").pk],
    )


# (page, insider, outsiders)
PAGES: list[tuple[str, Url, str, list[str]]] = [
    (
        "county page",
        _region("county"),
        "county",
        ["other_county", "other_quality", "township", "reporter", "window", "vendor"],
    ),
    ("township page", _region("township"), "township", ["other_county", "reporter"]),
    (
        "county export",
        _export("county"),
        "county",
        ["other_county", "other_quality", "township", "window"],
    ),
    ("county children", _children("county"), "quality", ["other_county", "reporter", "vendor"]),
    (
        "department page",
        _org("reporter"),
        "reporter",
        ["other_reporter", "other_quality", "county", "window"],
    ),
    (
        "centre page",
        _centre("county"),
        "window",
        ["other_window", "other_county", "other_quality", "reporter"],
    ),
    ("vendor page", _org("vendor"), "vendor", ["reporter", "window", "county"]),
    (
        "audit log",
        lambda c: reverse("audit_list"),
        "quality",
        ["leader", "county", "reporter", "window", "vendor"],
    ),
]


@pytest.mark.parametrize(("name", "url", "insider", "outsiders"), PAGES, ids=[p[0] for p in PAGES])
def test_insider_reads_page_and_outsiders_are_refused(
    city: City, name: str, url: Url, insider: str, outsiders: list[str]
) -> None:
    path = url(city)
    response = city.client(insider).get(path)
    assert response.status_code == 200, name
    assert response["Content-Language"] == "zh-hans"
    for outsider in outsiders:
        refused = city.client(outsider).get(path)
        assert refused.status_code == 403, (name, outsider)
        assert "无权访问" in refused.content.decode()


@pytest.mark.parametrize(("name", "url", "insider", "outsiders"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(
    city: City, name: str, url: Url, insider: str, outsiders: list[str]
) -> None:
    path = url(city)
    response = city.client(None).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_each_role_its_own_scope_in_chinese(city: City) -> None:
    expectations = {
        "quality": city.county.parent.name,  # type: ignore[union-attr]
        "county": city.county.name,
        "township": city.township.name,
        "reporter": "教育体育局",
        "window": "政务服务中心",
        "vendor": "民意调查",
    }
    for username, text in expectations.items():
        body = city.client(username).get(reverse("home")).content.decode()
        assert "我的权限范围" in body, username
        assert text in body, username
    county_home = city.client("county").get(reverse("home")).content.decode()
    assert city.other_county.name not in county_home


def test_home_requires_login(city: City) -> None:
    assert city.client(None).get(reverse("home")).status_code == 302


def test_region_page_lists_children_and_organisations(city: City) -> None:
    body = (
        city.client("county")
        .get(reverse("region_detail", args=[city.county.code]))
        .content.decode()
    )
    assert city.township.name in body
    assert f"{city.county.name}政务服务中心" in body


def test_unknown_region_is_404(city: City) -> None:
    assert (
        city.client("quality").get(reverse("region_detail", args=["399999000000"])).status_code
        == 404
    )


def test_english_switch_is_kept_in_a_cookie(city: City) -> None:
    client = city.client("county")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert "My scope" in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "我的权限范围" in client.get(reverse("home")).content.decode()


def test_browser_accept_language_does_not_override_chinese_default(city: City) -> None:
    response = city.client("county").get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "我的权限范围" in response.content.decode()


def test_admin_site_is_for_admins_only(city: City) -> None:
    assert city.client("admin").get("/admin/").status_code == 200
    for outsider in ("quality", "leader", "county"):
        response = city.client(outsider).get("/admin/")
        assert response.status_code == 302, outsider
        assert "/admin/login/" in response["Location"]
    assert city.client("admin").get("/admin/orgs/region/").status_code == 200
    assert city.client("quality").get("/admin/orgs/region/").status_code == 302


def test_healthz_reports_the_database(city: City) -> None:
    response = city.client(None).get(reverse("healthz"))
    assert response.json()["status"] == "ok"


def test_region_search_finds_within_scope_only(city: City) -> None:
    url = reverse("region_search")
    officer = city.client("county")
    body = officer.get(url, {"q": city.township.name}).content.decode()
    assert city.township.name in body
    other = officer.get(
        url, {"q": city.other_township.name}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert city.other_township.name not in other and "没有找到匹配的地区" in other
    by_code = officer.get(url, {"q": city.county.code[:6]}, HTTP_HX_REQUEST="true").content.decode()
    assert city.county.name in by_code
    reporter = city.client("reporter").get(url, {"q": city.county.name}, HTTP_HX_REQUEST="true")
    assert "没有找到匹配的地区" in reporter.content.decode()  # a reporter has no region scope
    assert city.client(None).get(url, {"q": "x"}).status_code == 302


def test_region_export_is_an_excel_register_of_the_subtree(city: City) -> None:
    import io

    from openpyxl import load_workbook

    from minsheng.orgs.models import Staff, Window

    response = city.client("county").get(reverse("region_export", args=[city.county.code]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["机构", "窗口", "窗口工作人员"]
    prefix = city.county.code[:6]
    counts = [book[name].max_row - 1 for name in book.sheetnames]
    assert counts == [
        Organisation.objects.filter(region__code__startswith=prefix).count(),
        Window.objects.filter(centre__region__code__startswith=prefix).count(),
        Staff.objects.filter(centre__region__code__startswith=prefix).count(),
    ]
    names = {row[1] for row in book["机构"].iter_rows(min_row=2, values_only=True)}
    assert f"{city.county.name}政务服务中心" in names
    assert f"{city.other_county.name}政务服务中心" not in names


def test_breadcrumb_links_only_regions_the_user_may_open(city: City) -> None:
    body = (
        city.client("township")
        .get(reverse("region_detail", args=[city.township.code]))
        .content.decode()
    )
    assert city.county.name in body
    assert reverse("region_detail", args=[city.county.code]) not in body
    county_body = (
        city.client("county")
        .get(reverse("region_detail", args=[city.township.code]))
        .content.decode()
    )
    assert reverse("region_detail", args=[city.county.code]) in county_body


def test_the_current_section_is_marked_in_the_menu(city: City) -> None:
    body = (
        city.client("quality")
        .get(reverse("region_detail", args=[city.county.code]))
        .content.decode()
    )
    assert 'data-nav="regions" aria-current="page"' in body
    assert 'data-nav="home" aria-current="page"' not in body
    home = city.client("quality").get(reverse("home")).content.decode()
    assert 'data-nav="home" aria-current="page"' in home


def test_window_staff_find_their_kiosk_and_codes_and_only_api_users_see_the_api(
    city: City,
) -> None:
    window = city.client("window").get(reverse("home")).content.decode()
    assert 'data-nav="kiosk"' in window and 'data-nav="codes"' in window
    assert 'data-nav="api"' not in window
    for user in ("leader", "reporter", "county", "vendor"):
        assert 'data-nav="api"' not in city.client(user).get(reverse("home")).content.decode()
    assert 'data-nav="api"' in city.client("quality").get(reverse("home")).content.decode()
    centre = city.users["window"].organisation
    page = city.client("quality").get(reverse("organisation_detail", args=[centre.pk]))
    assert reverse("review_window_codes", args=[centre.pk]) in page.content.decode()
    assert (
        city.client("window").get(reverse("review_window_codes", args=[centre.pk])).status_code
        == 200
    )
