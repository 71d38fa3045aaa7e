"""Polls in headless Chromium: the quality office writes a questionnaire on the page, then reads
a round's results, draws the importance–performance chart and drills down from a county to its
townships."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from minsheng.polls.models import Questionnaire
from minsheng.polls.services import fieldwork_import
from tests.browser.conftest import screenshot
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import City
from tests.polls.test_drilldown import _township_csv
from tests.polls.test_polls import _poll

pytestmark = pytest.mark.browser


def test_questionnaire_written_on_the_page(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/polls/")
    page.get_by_test_id("questionnaires").click()
    form = page.get_by_test_id("questionnaire-new")
    form.locator("input[name=name]").fill("夜间安全感调查")
    form.get_by_role("button").click()
    items = page.get_by_test_id("items-form")
    items.locator("input[name=form-0-code]").fill("S1")
    items.locator("input[name=form-0-text]").fill("您觉得夜间出行安全吗")
    items.locator("select[name=form-0-scale]").select_option("safety5")
    items.locator("input[name=form-0-domain]").fill("公共安全")
    items.locator("input[name=form-1-code]").fill("Q0")
    items.locator("input[name=form-1-text]").fill("总体而言您觉得安全吗")
    items.locator("input[name=form-1-is_overall]").check()
    page.get_by_test_id("items-save").click()
    expect(page.locator("input[name=form-0-code]")).to_have_value("S1")
    # Saved again as the page now stands: two items and two blank rows for new ones.
    page.locator("input[name=form-0-text]").fill("您觉得晚上出行安全吗")
    page.get_by_test_id("items-save").click()
    expect(page.locator("input[name=form-0-text]")).to_have_value("您觉得晚上出行安全吗")
    expect(page.get_by_test_id("questionnaire-errors")).to_have_count(0)
    made = Questionnaire.objects.get(name="夜间安全感调查")
    assert list(made.items.values_list("code", "text", "scale", "is_overall")) == [
        ("S1", "您觉得晚上出行安全吗", "safety5", False),
        ("Q0", "总体而言您觉得安全吗", "satisfaction5", True),
    ]
    assert console_errors == []


def test_results_chart_and_county_drill_down(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    poll = _poll(live_city)
    fieldwork_import(poll, _township_csv(live_city, 600), filename="t.csv", actor="t")
    sign_in(page, live_server.url, "quality")
    page.goto(f"{live_server.url}/polls/{poll.pk}/")
    expect(page.get_by_test_id("poll-overall")).to_be_visible()
    expect(page.locator("#ipa-chart canvas")).to_be_visible()
    page.get_by_test_id("poll-ranking").get_by_role("link", name=live_city.county.name).click()
    expect(page.get_by_test_id("poll-breadcrumb")).to_contain_text(live_city.county.name)
    expect(page.get_by_test_id("poll-drill")).to_be_visible()
    rows = page.get_by_test_id("poll-ranking").locator("tbody tr")
    expect(rows.first).to_be_visible()
    screenshot(page, "poll-drill-down")
    assert console_errors == []
