"""数据核查 in headless Chromium: the quality office opens the menu entry, picks the reported
figures, finds a figure that jumped tenfold, is told a dismissal needs its reason, gives one,
and the finding shows who decided it and why."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from minsheng.reviews.models import FindingDomain, FlagStatus, IntegrityFlag
from tests.browser.conftest import screenshot
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import City

pytestmark = pytest.mark.browser


def test_the_office_dismisses_a_finding_with_its_reason(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    flag = IntegrityFlag.objects.create(  # as `minsheng indicators integrity` keeps it
        domain=FindingDomain.INDICATORS,
        kind="outlier",
        source="period:2026Q3",
        unit=live_city.county.code,
        subject="indicator:SPT04",
        region=live_city.county,
        month="2026Q3",
        severity="high",
        strength=12.5,
        message="每万人社会体育指导员数较上期变动 +903.3%",
        evidence={
            "indicator": "SPT04", "name": "每万人社会体育指导员数", "change": 27.1,
            "relative": 9.033, "peers": 0.0, "history": 0.015, "z": 40.2,
        },
    )  # fmt: skip
    base = live_server.url
    sign_in(page, base, "quality")
    page.get_by_role("link", name="数据核查").click()
    page.get_by_test_id("domains").get_by_role("link", name="统计数据").click()
    page.get_by_label("报送期别").select_option("2026Q3")
    page.get_by_role("button", name="查看").click()

    def finding() -> Any:
        return (
            page.get_by_test_id("flags")
            .locator(".list-group-item")
            .filter(has_text="较上期变动 +903.3%")
        )

    expect(finding()).to_contain_text("变动远超历史和同类")
    expect(finding().get_by_test_id("strength")).to_contain_text("证据很强")
    finding().get_by_role("button", name="排除").click()
    expect(page.locator(".alert")).to_contain_text("排除线索须写明核查情况")
    finding().get_by_label("核查情况").fill("经核实为录入时小数点错位，已更正")
    finding().get_by_role("button", name="排除").click()
    expect(finding().get_by_test_id("decision")).to_contain_text("经核实为录入时小数点错位")
    screenshot(page, "integrity-dismissed")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED and flag.decided_by == live_city.users["quality"]
    assert console_errors == []
