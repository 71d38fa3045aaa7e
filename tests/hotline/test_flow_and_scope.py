"""A work order's life through the pages — taken down by a dispatcher, dispatched, accepted,
extended (the deadline moves by working days), answered, followed up 不满意 and reopened,
answered again and closed; returned by the wrong unit; merged — every step in its history; and
who may see and do what: the unit sees only what is dispatched to it, the office reads, callers'
numbers stay masked except for a dispatcher's audited look."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.hotline.models import Extension, State, WorkOrder
from minsheng.hotline.rules import city_rules
from minsheng.hotline.services.flow import duplicates_of
from minsheng.notify.models import Notification
from minsheng.orgs.models import Organisation
from minsheng.reviews.services.deadlines import work_calendar
from tests.conftest import City


def _take_call(city: City, text: str = "小区电梯坏了一个月没人修") -> WorkOrder:
    dispatcher = city.client("dispatcher")
    made = dispatcher.post(reverse("hotline_new"), {
        "channel": "phone", "type": "complaint", "text": text, "region": city.township.code,
        "caller": "张三", "phone": "13812345678",
    })  # fmt: skip
    assert made.status_code == 302, made.content.decode()[:500]
    return WorkOrder.objects.get(pk=int(made.url.rstrip("/").split("/")[-1]))


def _act(client: Client, order: WorkOrder, action: str, **data: str) -> int:
    return client.post(reverse("hotline_action", args=[order.pk, action]), data).status_code


def test_an_order_from_call_to_close(city: City) -> None:
    order = _take_call(city)
    assert order.state == State.RECEIVED and order.phone_masked == "138****5678"
    assert "13812345678" not in order.phone_cipher and order.caller_masked == "张*"
    dispatcher, unit = city.client("dispatcher"), city.client("reporter")
    dept = city.users["reporter"].organisation
    assert dept is not None
    assert _act(dispatcher, order, "dispatch", unit=str(dept.pk)) == 302
    order.refresh_from_db()
    assert order.state == State.DISPATCHED and order.unit == dept
    calendar, rules = work_calendar(), city_rules(order.city)
    assert order.dispatched_at is not None
    assert order.answer_due == calendar.due(order.dispatched_at, 15)  # 投诉: 15 working days
    assert Notification.objects.filter(user=city.users["reporter"], kind="hotline").exists()
    todo = unit.get(reverse("todo"))
    assert order.order_no in todo.content.decode()
    assert _act(unit, order, "accept") == 302
    assert _act(unit, order, "extend", days="3", reason="需要现场勘查") == 302
    ext = Extension.objects.get(order=order)
    assert _act(unit, order, "decide", extension=str(ext.pk), granted="1") == 403  # not theirs
    assert _act(dispatcher, order, "decide", extension=str(ext.pk), granted="1") == 302
    order.refresh_from_db()
    assert order.extension_days == 3
    assert order.answer_due == rules.answer_due(calendar, "complaint", order.dispatched_at,
                                                extra_days=3)  # fmt: skip
    assert order.answer_due == calendar.due(order.dispatched_at, 18)
    assert _act(unit, order, "answer", text="已督促物业维修电梯") == 302
    assert _act(dispatcher, order, "followup", result="unsatisfied", solved="0") == 302
    order.refresh_from_db()
    assert order.state == State.HANDLING and order.reopened == 1 and order.answered_at is None
    assert _act(unit, order, "answer", text="电梯已修复并通过检验") == 302
    assert _act(dispatcher, order, "followup", result="satisfied", solved="1") == 302
    order.refresh_from_db()
    assert order.state == State.CLOSED and order.solved is True
    actions = list(order.events.values_list("action", flat=True))
    assert actions == ["receive", "dispatch", "accept", "extension", "extension_decided",
                       "answer", "followup", "reopen", "answer", "followup"]  # fmt: skip
    page = dispatcher.get(reverse("hotline_order", args=[order.pk]))
    assert "重办" in page.content.decode() and "13812345678" not in page.content.decode()


def test_returned_and_merged_orders(city: City) -> None:
    order = _take_call(city, "路灯坏了晚上很黑")
    dispatcher, unit = city.client("dispatcher"), city.client("reporter")
    dept = city.users["reporter"].organisation
    assert dept is not None
    _act(dispatcher, order, "dispatch", unit=str(dept.pk))
    assert _act(unit, order, "return", reason="") == 302  # a reason is required
    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert _act(unit, order, "return", reason="属交通运输局职责") == 302
    order.refresh_from_db()
    assert (order.state, order.unit, order.returned) == (State.RECEIVED, None, 1)
    assert order.accept_due is None and order.answer_due is None
    assert Notification.objects.filter(user=city.users["dispatcher"], kind="hotline").exists()
    again = _take_call(city, "路灯坏了晚上很黑，再次反映")  # the same caller, the same week
    assert order in duplicates_of(again)
    assert _act(dispatcher, again, "merge", into=str(order.pk)) == 302
    again.refresh_from_db()
    assert again.state == State.MERGED and again.merged_into == order


def test_who_sees_and_does_what(city: City) -> None:
    order = _take_call(city)
    dept = city.users["reporter"].organisation
    assert dept is not None
    dispatcher = city.client("dispatcher")
    _act(dispatcher, order, "dispatch", unit=str(dept.pk))
    page = reverse("hotline_order", args=[order.pk])
    for reader in ("dispatcher", "reporter", "quality", "leader"):
        assert city.client(reader).get(page).status_code == 200, reader
    for outsider in ("other_reporter", "county", "window", "vendor", "other_quality"):
        assert city.client(outsider).get(page).status_code == 403, outsider
    assert Client().get(page).status_code == 302
    for outsider in ("window", "vendor", "other_quality"):
        # other_quality is an office of another city: it reads a list with nothing of ours.
        listed = city.client(outsider).get(reverse("hotline_orders"))
        assert listed.status_code == 403 or order.order_no not in listed.content.decode()
    for who in ("window", "vendor"):
        assert city.client(who).get(reverse("hotline_stats")).status_code == 403
    # The office reads but takes no step; a unit cannot take the dispatcher's steps.
    assert _act(city.client("quality"), order, "remind") == 403
    assert _act(city.client("reporter"), order, "remind") == 403
    assert _act(city.client("other_reporter"), order, "accept") == 403
    assert city.client("reporter").get(reverse("hotline_new")).status_code == 403
    assert city.client("quality").get(reverse("hotline_settings")).status_code == 403
    # A unit's list holds only what was dispatched to it.
    mine = city.client("reporter").get(reverse("hotline_orders"))
    units = {o.unit_id for o in mine.context["paged"].page}
    assert units == {dept.pk}
    # The caller's number: masked for all; revealed to a dispatcher only, and audited.
    contact = reverse("hotline_contact", args=[order.pk])
    assert city.client("quality").post(contact).status_code == 403
    assert city.client("reporter").post(contact).status_code == 403
    shown = dispatcher.post(contact)
    assert shown.status_code == 200 and "13812345678" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action=AuditAction.SECURITY, object_pk=str(order.pk)).exists()
    book = city.client("quality").get(reverse("hotline_orders"), {"format": "xlsx"})
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(book.content)).active.iter_rows()
             for c in row]  # fmt: skip
    assert "138****5678" in cells and "13812345678" not in cells


def test_stats_page_and_workbook(city: City) -> None:
    quality = city.client("quality")
    dispatcher = city.client("dispatcher")
    rules = {"rank_weights": {"response": 0, "solved": 0, "satisfied": 1}, "rank_min_n": 1}
    saved = dispatcher.post(reverse("hotline_settings"), {"what": "rules",
                                                          "rules": json.dumps(rules)})  # fmt: skip
    assert saved.status_code == 302
    ranked = quality.get(reverse("hotline_stats"), {"month": "2026-10"}).context["ranked"]
    placed = [r for r in ranked if r.interval.ranked]
    assert placed and all(r.metrics.followed_up >= 1 for r in placed)
    for r in placed:  # the score is the satisfied rate alone now
        assert r.score == pytest.approx(100 * (r.metrics.satisfied_rate or 0))
    page = quality.get(reverse("hotline_stats"), {"month": "2026-10", "rank": "township"})
    assert page.status_code == 200
    assert (
        page.context["orders"]
        == WorkOrder.objects.filter(
            received_at__gte="2026-10-01T00:00+08:00", received_at__lt="2026-11-01T00:00+08:00"
        )
        .exclude(state=State.MERGED)
        .count()
    )
    book = quality.get(reverse("hotline_stats"), {"month": "2026-10", "format": "xlsx"})
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames
    assert sheets == ["分项指标", "三率排名"]
    unit_page = city.client("reporter").get(reverse("hotline_stats"), {"month": "2026-10"})
    groups = {r.group for r in unit_page.context["rows"]}
    dept = city.users["reporter"].organisation
    assert dept is not None and groups <= {dept.name}  # a unit's figures are its own


@pytest.mark.parametrize(
    ("body", "words"),
    [({"channel": "phone", "type": "complaint", "text": " "}, "请填写诉求内容"),
     ({"channel": "pigeon", "type": "complaint", "text": "x"}, "请选择来源渠道"),
     ({"channel": "phone", "type": "吐槽", "text": "x"}, "请选择诉求类型")],
)  # fmt: skip
def test_intake_refuses_a_bad_order(city: City, body: dict[str, str], words: str) -> None:
    before = WorkOrder.objects.count()
    made = city.client("dispatcher").post(reverse("hotline_new"), body)
    assert made.status_code == 400 and words in made.content.decode()
    assert WorkOrder.objects.count() == before


def test_units_are_organisations_of_the_city(city: City) -> None:
    order = _take_call(city)
    outsider = Organisation.objects.get(key="quality-other")
    assert _act(city.client("dispatcher"), order, "dispatch", unit=str(outsider.pk)) == 302
    order.refresh_from_db()
    assert order.state == State.RECEIVED and order.unit is None  # not a unit of this city


def test_the_sweep_reminds_then_escalates_once(city: City) -> None:
    from minsheng.hotline.services.flow import sweep

    WorkOrder.objects.filter(state__in=["dispatched", "accepted", "handling"]).update(
        escalated_at=timezone.now(), due_reminded_at=timezone.now()
    )  # the demo's own open orders are set aside
    order = _take_call(city)
    dept = city.users["reporter"].organisation
    assert dept is not None
    _act(city.client("dispatcher"), order, "dispatch", unit=str(dept.pk))
    now = timezone.now()
    WorkOrder.objects.filter(pk=order.pk).update(answer_due=now + dt.timedelta(hours=3))
    first = sweep(now)
    assert (first.reminded, first.escalated) == (1, 0)
    assert sweep(now).reminded == 0  # once
    WorkOrder.objects.filter(pk=order.pk).update(answer_due=now - dt.timedelta(minutes=1))
    report = sweep(now)
    assert (report.reminded, report.escalated) == (0, 1) and sweep(now).escalated == 0
    actions = list(order.events.values_list("action", flat=True))
    assert actions[-2:] == ["due_soon", "escalate"]
    told = Notification.objects.filter(kind="hotline", title__contains="已超期")
    assert {n.user.username for n in told} >= {"reporter", "dispatcher"}


def test_complaints_beside_ratings_and_poll_fields(city: City) -> None:
    centre = city.users["window"].organisation
    assert centre is not None
    complaints = WorkOrder.objects.filter(centre=centre, type="complaint")
    page = city.client("quality").get(reverse("halls_centre", args=[centre.pk]))
    voices = page.context["voices"]
    since = timezone.now() - dt.timedelta(days=90)
    assert (
        voices.complaints
        == complaints.filter(received_at__gte=since).exclude(state="merged").count()
    )
    assert voices.hotline_link and f"?centre={centre.pk}" in page.content.decode()
    own = city.client("window").get(reverse("halls_centre", args=[centre.pk]))
    assert own.status_code == 200 and not own.context["voices"].hotline_link
    listed = city.client("quality").get(reverse("hotline_orders"), {"centre": centre.pk})
    assert {o.centre_id for o in listed.context["paged"].page} <= {centre.pk}
    stats = city.client("quality").get(reverse("hotline_stats"), {"month": "2026-10"})
    beside = stats.context["beside"]
    problems = (
        WorkOrder.objects.filter(
            type__in=["help", "complaint", "report"],
            received_at__gte="2026-10-01T00:00+08:00",
            received_at__lt="2026-11-01T00:00+08:00",
        )
        .exclude(category_text="")
        .exclude(state="merged")
    )
    assert sum(n for _name, n in beside.categories) <= problems.count()
    assert beside.categories[0][1] == max(
        problems.filter(category_text__startswith=name).count() for name, _n in beside.categories
    )


def test_the_months_notice_in_word_and_pdf(city: City) -> None:
    from docx import Document
    from pypdf import PdfReader

    quality = city.client("quality")
    word = quality.get(reverse("hotline_stats"), {"month": "2026-10", "format": "docx",
                                                  "number": "质强办〔2026〕9号"})  # fmt: skip
    assert word.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    orders = WorkOrder.objects.filter(
        received_at__gte="2026-10-01T00:00+08:00", received_at__lt="2026-11-01T00:00+08:00"
    ).exclude(state="merged")
    assert "关于2026年10月12345热线诉求办理情况的通报" in text and "质强办〔2026〕9号" in text
    assert f"共受理群众诉求 {orders.count()} 张" in text
    answered = orders.exclude(answered_at=None).count()
    assert f"办结 {answered} 张" in text
    pdf = quality.get(reverse("hotline_stats"), {"month": "2026-10", "format": "pdf"})
    pages = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"{orders.count()}" in pages and "三率" in pages.replace("“", "").replace("”", "")
