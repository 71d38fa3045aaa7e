"""Each demo role signs in through the real login form in headless Chromium, sees its own scope
in Chinese, is refused an outsider's page, and the pages raise no console errors."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from minsheng.orgs.models import Organisation
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, City

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_role("heading", name="登录民生平台")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("scope")).to_be_visible()


def scope_and_outsider(city: City) -> dict[str, tuple[str, str]]:
    """username -> (text that must be in the scope card, a URL outside the user's scope)."""
    other_county_url = f"/regions/{city.other_county.code}/"
    other_centre = Organisation.objects.get(key=f"centre-{city.other_county.code}")
    health = city.users["other_reporter"].organisation
    assert health is not None
    return {
        "quality": (city.county.parent.name, "/admin/"),  # type: ignore[union-attr]
        "leader": (city.county.parent.name, "/audit/"),  # type: ignore[union-attr]
        "county": (city.county.name, other_county_url),
        "township": (city.township.name, f"/regions/{city.county.code}/"),
        "reporter": ("教育体育局", f"/organisations/{health.pk}/"),
        "window": ("政务服务中心", f"/organisations/{other_centre.pk}/"),
        "vendor": ("民意调查", other_county_url),
    }


@pytest.mark.parametrize(
    "username", ["quality", "leader", "county", "township", "reporter", "window", "vendor"]
)
def test_role_signs_in_sees_its_scope_and_is_refused_outside(
    live_city: City, live_server: Any, page: Page, console_errors: list[str], username: str
) -> None:
    scope_text, outsider_url = scope_and_outsider(live_city)[username]
    sign_in(page, live_server.url, username)
    expect(page.get_by_test_id("scope")).to_contain_text(scope_text)
    expect(page.get_by_test_id("scope")).to_contain_text("我的权限范围")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    screenshot(page, f"home-{username}")
    assert console_errors == []

    response = page.goto(f"{live_server.url}{outsider_url}")
    assert response is not None
    if outsider_url == "/admin/":
        assert "/admin/login/" in page.url  # Django admin sends non-admins to its own login
    else:
        assert response.status == 403
        expect(page.get_by_test_id("forbidden")).to_contain_text("无权访问")
    screenshot(page, f"refused-{username}")


def test_region_tree_opens_with_htmx_and_english_switch_works(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, "quality")
    expect(page.get_by_test_id("windows-chart").locator("canvas")).to_have_count(1)
    county = page.get_by_test_id("region-tree").locator("summary", has_text=live_city.county.name)
    county.click()
    expect(
        page.get_by_test_id("region-tree").get_by_role("link", name=live_city.township.name)
    ).to_be_visible()
    screenshot(page, "region-tree")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("scope")).to_contain_text("My scope")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_test_id("scope")).to_contain_text("我的权限范围")
    assert console_errors == []


def test_admin_reaches_the_django_admin(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, "admin")
    page.get_by_role("link", name="管理后台").click()
    expect(page.get_by_role("link", name="地区与机构")).to_be_visible()
    screenshot(page, "admin")
    assert console_errors == []


def test_narrow_phone_screen_collapses_the_menu(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, "county")
    expect(page.get_by_role("link", name="审计日志")).to_have_count(0)
    toggler = page.get_by_role("button", name="菜单")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.get_by_role("link", name="地区", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_in_viewport()
    # The menu has opened (a selector, not a script: the page's CSP forbids evaluated strings).
    page.locator(".collapsing").wait_for(state="detached")
    screenshot(page, "phone-county")
    assert console_errors == []


def test_quality_office_creates_an_account_that_then_signs_in(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    org = Organisation.objects.get(key=f"dept-{live_city.county.parent.code}-transport")  # type: ignore[union-attr]
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/organisations/{org.pk}/")
    page.get_by_role("link", name="新建账号").click()
    page.get_by_label("用户名").fill("jiaotong")
    page.get_by_label("姓名或显示名").fill("交通填报员")
    page.get_by_label("角色").select_option("department_reporter")
    page.get_by_role("button", name="创建").click()
    password = page.get_by_test_id("one-time-password").inner_text().strip()
    screenshot(page, "account-created")
    page.get_by_role("button", name="退出").click()
    page.get_by_label("用户名").fill("jiaotong")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # A password someone else set must be changed first: every page leads to the form.
    expect(page).to_have_url(f"{live_server.url}/accounts/password/")
    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill("Jiaotong-2026-ok")
    page.locator("#id_new_password2").fill("Jiaotong-2026-ok")
    page.locator("form:has(#id_old_password) button[type=submit]").click()
    expect(page.get_by_test_id("scope")).to_contain_text(org.name)
    assert console_errors == []


def test_quality_office_pages_render_without_console_errors(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, "quality")
    for nav, marker, name in [
        ("audit", "audit-table", "audit-log"),
        ("users", "user-table", "accounts"),
        ("peer_groups", "peer-group-table", "peer-groups"),
    ]:
        page.locator(f'[data-nav="{nav}"]').click()
        expect(page.get_by_test_id(marker)).to_be_visible()
        expect(page.locator(f'[data-nav="{nav}"]')).to_have_attribute("aria-current", "page")
        screenshot(page, name)
    page.goto(f"{live_server.url}/regions/{live_city.county.code}/")
    expect(page.get_by_test_id("region-name")).to_contain_text(live_city.county.name)
    screenshot(page, "region-county")
    assert console_errors == []
