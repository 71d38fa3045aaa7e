"""Indicator pages, the ratings dashboard and the citizen's QR page in headless Chromium: the
charts draw (ECharts canvases), filters work, nothing logs a console error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from minsheng.core.ratings.records import RatingRecord
from minsheng.core.ratings.vocabulary import Channel, Source
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation, Window
from minsheng.reviews.models import Rating
from minsheng.reviews.services.citizen import window_token
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import ingest
from tests.browser.conftest import screenshot
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import City

pytestmark = pytest.mark.browser


def test_indicator_ranking_scorecard_and_chart(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/indicators/")
    table = page.get_by_test_id("ranking-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_be_visible()
    page.goto(f"{live_server.url}/indicators/regions/{live_city.county.code}/")
    expect(page.get_by_test_id("scorecard-table")).to_contain_text("省最优")
    page.get_by_test_id("scorecard-table").locator("tbody a").first.click()
    expect(page.locator("#indicator-chart canvas")).to_be_visible()
    screenshot(page, "indicator-chart")
    assert console_errors == []


def test_ratings_dashboard_draws_its_charts(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    city_code = live_city.county.parent.code  # type: ignore[union-attr]
    records = [
        RatingRecord(
            k,
            f"BR{k:04d}",
            "",
            f"dept-{city_code}-edu",
            f"centre-{live_city.county.code}",
            "",
            "",
            Channel.PC,
            1 if k % 9 == 0 else 5,
            (),
            "",
            Source.ACTIVE,
            dt.datetime(2026, 10, 9, 9, tzinfo=SHANGHAI) + dt.timedelta(minutes=7 * k),
        )
        for k in range(45)
    ]
    ingest(records, directory=Directory(live_city.county.parent))
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/reviews/stats/?month=2026-10&by=centre")
    centre = Organisation.objects.get(key=f"centre-{live_city.county.code}").name
    expect(page.get_by_test_id("stats-table")).to_contain_text(centre)
    expect(page.get_by_test_id("stats-table")).to_contain_text("11.1%")  # 5 bad of 45
    expect(page.locator("#review-rank-chart canvas")).to_be_visible()
    expect(page.locator("#review-trend-chart canvas")).to_be_visible()
    page.goto(f"{live_server.url}/reviews/cases/")
    expect(page.get_by_test_id("case-table").locator("tbody tr")).to_have_count(5)
    screenshot(page, "review-stats")
    assert console_errors == []


def test_citizen_rates_on_the_qr_page(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    centre = Organisation.objects.get(key=f"centre-{live_city.county.code}")
    window = Window.objects.filter(centre=centre).order_by("number").first()
    assert window is not None
    from minsheng.reviews.models import ServiceItem

    department = Organisation.objects.filter(kind="department", region=centre.region).first()
    names = ["不动产登记", "户籍迁移", "社保卡补办", "营业执照变更", "出生医学证明"]
    names += [f"其他事项{k}" for k in range(10)]
    for k, name in enumerate(names):
        ServiceItem.objects.create(code=f"QR-ITEM-{k}", name=name, department=department)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/r/{window_token(window)}/")
    # The service-item list is searchable: typing leaves the matching items.
    page.get_by_test_id("item-search").fill("社保")
    shown = page.locator("select[name=item] option:not([hidden])")
    expect(shown).to_have_text(["（不选择）", "社保卡补办"])
    page.get_by_test_id("item-search").fill("")
    levels = page.get_by_test_id("levels").locator("label")
    expect(levels).to_have_count(5)
    boxes = [levels.nth(k).bounding_box() for k in range(5)]
    assert all(b is not None for b in boxes)
    heights = {round(b["height"]) for b in boxes if b}  # every level equally easy to tap
    widths = {round(b["width"]) for b in boxes if b}
    assert len(heights) == 1 and len(widths) == 1
    assert page.locator("input[name=level]:checked").count() == 0
    page.get_by_label("办件编号（见受理回执）").fill("QR-BROWSER-1")
    page.get_by_test_id("item-search").fill("社保")
    page.get_by_text("不满意", exact=True).click()
    screenshot(page, "qr-rating-form")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("rate-done")).to_contain_text("感谢您的评价")
    rating = Rating.objects.get(case_no="QR-BROWSER-1")
    assert (rating.level, rating.channel) == (2, "qr_code")
    assert rating.service_item is not None and rating.service_item.name == "社保卡补办"
    screenshot(page, "qr-rating")
    assert console_errors == []
