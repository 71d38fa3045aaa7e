"""明察暗访 on a phone in headless Chromium: the inspector fills in the form on a small screen,
loses the signal, submits — the form is kept on the device and says so — and once the phone is
back online it is uploaded by itself; a draft survives closing the page."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from minsheng.inspections.models import Visit, VisitState
from tests.browser.conftest import ARTIFACTS
from tests.conftest import City

pytestmark = pytest.mark.browser

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_phone_form_survives_a_lost_signal(
    live_city: City, live_server: Any, browser: Browser, tmp_path: Path
) -> None:
    visit = (
        Visit.objects.filter(inspector=live_city.users["inspector"], state=VisitState.ASSIGNED)
        .order_by("pk")
        .first()
    )
    if visit is None:  # the demo submitted every visit: open one for this test
        visit = Visit.objects.filter(inspector=live_city.users["inspector"]).first()
        assert visit is not None
        Visit.objects.filter(pk=visit.pk).update(state=VisitState.ASSIGNED, results={})
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill("test-pass-123")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/inspections/visits/{visit.pk}/")
    items = page.locator("[data-item]")
    count = items.count()
    assert count > 5
    for k in range(count):
        block = items.nth(k)
        mark = "不合格" if k == 0 else "合格"
        block.locator("label", has_text=mark).first.click()
    items.nth(0).locator("textarea").fill("标识标牌缺失")
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    page.locator("#photos").set_input_files(str(photo))
    expect(page.locator("#photo-list img")).to_have_count(1)
    # The page is closed and opened again: the draft is still there.
    page.reload()
    expect(page.get_by_test_id("draft-note")).to_contain_text("已恢复本机保存的草稿")
    expect(page.locator("#photo-list img")).to_have_count(1)
    context.set_offline(True)
    page.get_by_test_id("visit-submit").click()
    expect(page.get_by_test_id("draft-note")).to_contain_text("联网后自动上传")
    visit.refresh_from_db()
    assert visit.state == VisitState.ASSIGNED
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inspection-offline.png"), full_page=False)
    context.set_offline(False)
    expect(page.get_by_test_id("visit-state")).to_have_text("已提交")
    visit.refresh_from_db()
    assert visit.state == VisitState.SUBMITTED
    assert visit.results[next(iter(visit.results))] == "fail"
    assert visit.photos.count() == 1 and visit.photos.get().taken_at is not None
    assert errors == []
    context.close()


def test_visit_page_opens_with_no_signal_once_seen(
    live_city: City, live_server: Any, browser: Browser
) -> None:
    """The service worker keeps the inspector's visit page: opened once online, it opens again
    with the phone offline, and the form filled there is uploaded when the signal is back."""
    visit = Visit.objects.filter(inspector=live_city.users["inspector"]).order_by("-pk").first()
    assert visit is not None
    Visit.objects.filter(pk=visit.pk).update(state=VisitState.ASSIGNED, results={})
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill("test-pass-123")
    page.get_by_role("button", name="登录").click()
    url = f"{base}/inspections/visits/{visit.pk}/"
    page.goto(url)
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker: the page and its files are kept
    expect(page.locator("[data-item]").first).to_be_visible()
    context.set_offline(True)
    page.reload()
    items = page.locator("[data-item]")
    expect(items.first).to_be_visible()
    for k in range(items.count()):
        items.nth(k).locator("label", has_text="合格").first.click()
    page.get_by_test_id("visit-submit").click()
    expect(page.get_by_test_id("draft-note")).to_contain_text("联网后自动上传")
    context.set_offline(False)
    expect(page.get_by_test_id("visit-state")).to_have_text("已提交")
    visit.refresh_from_db()
    assert visit.state == VisitState.SUBMITTED and set(visit.results.values()) == {"pass"}
    context.close()
