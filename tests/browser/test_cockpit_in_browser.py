"""领导驾驶舱 and the quarterly report in headless Chromium: the leader's cockpit draws its map
(ECharts on a canvas, from the demo's marked grid) without a script error, switching the figure
redraws it, and the office makes the quarterly report through the page and its job."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from minsheng.reports.models import Report
from tests.browser.conftest import screenshot
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import City

pytestmark = pytest.mark.browser


def test_cockpit_map_and_report_job(
    live_city: City, live_server: Any, page: Page, console_errors: list[str]
) -> None:
    base = live_server.url
    sign_in(page, base, "leader")
    page.goto(f"{base}/cockpit/?period=2026Q3")
    expect(page.get_by_test_id("card-index")).to_be_visible()
    expect(page.get_by_test_id("map-generated")).to_be_visible()
    expect(page.get_by_test_id("cockpit-map").locator("canvas")).to_have_count(1)
    page.get_by_role("link", name="逾期任务").click()
    expect(page.get_by_test_id("cockpit-children")).to_contain_text("逾期任务")
    expect(page.get_by_test_id("cockpit-map").locator("canvas")).to_have_count(1)
    screenshot(page, "cockpit")
    assert console_errors == []
    page.context.clear_cookies()
    sign_in(page, base, "quality")
    page.goto(f"{base}/reports/")
    page.get_by_label("季度").fill("2026Q3")
    page.get_by_role("button", name="生成季度分析报告").click()
    # The job runs in the test's worker-less server only when polled: run it here, as the worker.
    from django_tasks_db.models import DBTaskResult

    for queued in DBTaskResult.objects.filter(status="READY"):
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    page.reload()
    expect(page.get_by_test_id("report-made")).to_be_visible()
    assert Report.objects.count() == 1
