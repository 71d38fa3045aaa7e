"""The web form of a large department: pages under Django's field limit, each page saved on its
own without touching the others, submission checked over every page; the periods on offer."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.urls import reverse

from minsheng.core.index.periods import Period
from minsheng.indicators.models import Category, Indicator, Submission, SubmissionState, Value
from minsheng.indicators.selectors import FORM_PAGE_CELLS, form_spec, open_periods
from minsheng.orgs.models import Organisation
from tests.conftest import City

PERIOD = "2026Q4"


def _grow_form(city: City, cells: int) -> int:
    """Give the reporter's department enough indicators for at least ``cells`` cells."""
    org = Organisation.objects.get(pk=city.users["reporter"].organisation_id)
    spec = form_spec(org, Period.parse(PERIOD))
    regions = len(spec.regions)
    have = len(spec.indicators)
    need = -(-cells // regions) - have
    category = Category.objects.order_by("order").first()
    assert category is not None
    Indicator.objects.bulk_create(
        Indicator(
            code=f"ZZ{k:03d}",
            name=f"测试指标{k}",
            category=category,
            unit="%",
            valid_min=0,
            valid_max=100,
            lead_department=org,
        )
        for k in range(max(need, 0))
    )
    return len(form_spec(org, Period.parse(PERIOD)).cells)


def _page_fields(body: str) -> list[str]:
    return [part.split('"')[0] for part in body.split('name="v-')[1:]]


def _values(fields: list[str], share: float) -> dict[str, str]:
    """A value inside each indicator's valid range (``share`` of the way up), explained."""
    ranges = {i.code: (i.valid_min or 0, i.valid_max or 100) for i in Indicator.objects.all()}
    data = {}
    for f in fields:
        lo, hi = ranges[f.split("-")[1]]
        data[f"v-{f}"] = f"{lo + share * (hi - lo):g}"
        data[f"e-{f}"] = "按年报口径"
    return data


def test_a_form_of_two_thousand_cells_is_filled_page_by_page(city: City) -> None:
    total = _grow_form(city, 2000)
    assert total >= 2000
    client = city.client("reporter")
    url = reverse("indicator_form", args=[PERIOD])
    first = client.get(url)
    assert first.status_code == 200
    body = first.content.decode()
    pages = -(-total // FORM_PAGE_CELLS)
    assert 'data-testid="form-pages"' in body and f"分 {pages} 页填写" in body
    fields = _page_fields(body)
    assert len(fields) == FORM_PAGE_CELLS
    # One page posts two inputs a cell: under the request limit, so it saves.
    data = _values(fields, 0.5)
    assert len(data) + 3 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post(url, {**data, "page": "1", "action": "next"})
    assert response.status_code == 302, response.content.decode().split("errors")[-1][:600]
    assert response["Location"].endswith("?page=2")
    sub = Submission.objects.get(period=PERIOD)
    saved = Value.objects.filter(submission=sub)
    assert {f"v-{v.region.code}-{v.indicator.code}": f"{v.value:g}" for v in saved} == {
        k: v for k, v in data.items() if k.startswith("v-")
    }
    # The second page saves without blanking the first.
    second = _page_fields(client.get(url, {"page": 2}).content.decode())
    assert not set(second) & set(fields)
    data2 = _values(second, 0.25)
    assert client.post(url, {**data2, "page": "2", "action": "save"}).status_code == 302
    assert Value.objects.filter(submission=sub).count() == FORM_PAGE_CELLS + len(second)
    # Submitting from one page checks every page: the blank cells elsewhere need a reason.
    response = client.post(url, {**data2, "page": "2", "action": "submit"})
    assert (
        response.status_code == 400 and "未填写，请填写数值或缺报说明" in response.content.decode()
    )
    sub.refresh_from_db()
    assert sub.state == SubmissionState.DRAFT
    assert Value.objects.filter(submission=sub).count() == FORM_PAGE_CELLS + len(second)


def test_the_whole_form_in_one_post_gets_a_chinese_error_page(city: City) -> None:
    _grow_form(city, 2000)
    data = {f"v-x-{k}": "1" for k in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10)}
    response = city.client("reporter").post(reverse("indicator_form", args=[PERIOD]), data)
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()
    assert not Submission.objects.filter(period=PERIOD).exists()


def test_open_periods_add_the_running_quarter_in_its_last_month() -> None:
    assert open_periods(dt.date(2026, 12, 2)) == [Period(2026, 4), Period(2026, 3)]
    assert open_periods(dt.date(2026, 11, 30)) == [Period(2026, 3)]
    assert open_periods(dt.date(2027, 1, 5)) == [Period(2026, 4)]
    assert Period(2026, 4).next() == Period(2027, 1) and Period(2026).next() == Period(2027)


def test_an_approved_period_is_offered_to_view_not_to_continue(city: City) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False):
        body = city.client("reporter").get(reverse("indicator_forms")).content.decode()
    # 2026Q3 is approved in the demo: 查看 only; 2026Q4 is open: 开始填报.
    assert body.count('data-testid="open-period"') == 2
    q3 = body.split("2026年第3季度")[1]
    assert 'data-testid="view-current"' in q3.split('data-testid="open-period"')[0]
    q4 = body.split("2026年第4季度")[1].split("2026年第3季度")[0]
    assert "开始填报" in q4
    page = city.client("reporter").get(reverse("indicator_form", args=["2026Q3"]))
    assert 'data-testid="read-only"' in page.content.decode()
