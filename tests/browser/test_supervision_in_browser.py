"""督办 in headless Chromium: a county reports on its task with a PDF attached through the real
form, its lead unit hears of it in 消息 and accepts, and the county's to-do count falls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from minsheng.supervision.models import Task, TaskState
from tests.browser.conftest import screenshot
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import City

pytestmark = pytest.mark.browser


def test_report_with_a_file_then_the_lead_accepts(
    live_city: City,
    live_server: Any,
    page: Page,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    task = (
        Task.objects.filter(
            unit=live_city.users["county"].organisation,
            state=TaskState.ASSIGNED,
            parent__leads=live_city.users["reporter"].organisation,
        )
        .order_by("pk")
        .first()
    )
    assert task is not None
    pdf = tmp_path / "整改报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    base = live_server.url
    sign_in(page, base, "county")
    before = int(page.get_by_test_id("todo-count").inner_text())
    page.goto(f"{base}/supervision/tasks/{task.pk}/")
    form = page.get_by_test_id("report-form")
    form.get_by_label("进展情况").fill("已完善招生方案并公示")
    form.get_by_label("完成进度（百分比，0–100）").fill("100")
    form.locator("input[type=file]").set_input_files(str(pdf))
    form.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("task-facts")).to_contain_text("已报送")
    expect(page.get_by_test_id("task-file")).to_have_text("整改报告.pdf")
    expect(page.get_by_test_id("todo-count")).to_have_text(str(before - 1))
    screenshot(page, "supervision-reported")

    page.context.clear_cookies()
    sign_in(page, base, "reporter")
    page.get_by_test_id("inbox-link").click()
    expect(page.get_by_test_id("inbox")).to_contain_text("督办任务已报送，请审核")
    page.get_by_test_id("inbox").get_by_text("督办任务已报送，请审核").first.click()
    expect(page).to_have_url(f"{base}/supervision/tasks/{task.pk}/")
    page.get_by_test_id("decide-form").get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("task-facts")).to_contain_text("已办结")
    screenshot(page, "supervision-accepted")
    assert console_errors == []
