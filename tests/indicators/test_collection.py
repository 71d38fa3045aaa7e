"""Collection: the department fills in its form (web or Excel), errors are located and nothing
is saved, jumps need an explanation, submission and review are audited; the board counts."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from minsheng.audit.models import AuditEntry
from minsheng.indicators.models import Submission, SubmissionState, Value
from tests.conftest import City

PERIOD = "2026Q4"  # nothing stored yet for this period


def _template(city: City) -> io.BytesIO:
    response = city.client("reporter").get(reverse("indicator_form_template", args=[PERIOD]))
    assert response.status_code == 200
    return io.BytesIO(response.content)


def _fill(data: io.BytesIO, edit: dict[int, tuple[object, str]] | None = None) -> io.BytesIO:
    """Fill every value with its previous value (a plausible period; a blank one is explained
    as not reported; every row explained, so only ``edit`` can trip a check), then apply ``edit``
    (row number → (value, explanation))."""
    book = load_workbook(data)
    ws = book["填报"]
    for row in range(2, ws.max_row + 1):
        ws[f"G{row}"] = ws[f"F{row}"].value  # blank where the previous period is blank
        ws[f"H{row}"] = "按统计年报口径填报" if ws[f"F{row}"].value is not None else "上期缺报"
    for row, (value, explanation) in (edit or {}).items():
        ws[f"G{row}"] = value
        ws[f"H{row}"] = explanation
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "form.xlsx"
    return out


def test_template_is_protected_with_only_value_and_explanation_open(city: City) -> None:
    ws = load_workbook(_template(city))["填报"]
    assert ws.protection.sheet
    assert ws["G2"].protection.locked is False and ws["H2"].protection.locked is False
    assert ws["A2"].protection.locked is not False
    assert ws.data_validations.dataValidation, "range validation on the value cells"


def test_upload_with_errors_saves_nothing_and_names_row_and_column(city: City) -> None:
    upload = _fill(_template(city), {3: ("十二", ""), 4: (-5, "")})
    response = city.client("reporter").post(
        reverse("indicator_form", args=[PERIOD]), {"file": upload, "action": "save"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 3 行" in body and "十二" in body
    assert "第 4 行" in body and "超出有效范围" in body
    assert not Submission.objects.filter(period=PERIOD).exists()
    assert not Value.objects.filter(submission__period=PERIOD).exists()


def test_a_jump_needs_an_explanation(city: City) -> None:
    template = _template(city)
    ws = load_workbook(template)["填报"]
    previous = ws["F2"].value
    assert previous
    template.seek(0)
    jumped = _fill(template, {2: (previous * 2, "")})
    response = city.client("reporter").post(
        reverse("indicator_form", args=[PERIOD]), {"file": jumped, "action": "save"}
    )
    assert response.status_code == 400 and "请填写说明" in response.content.decode()
    template.seek(0)
    explained = _fill(template, {2: (previous * 2, "新建校舍投入使用")})
    response = city.client("reporter").post(
        reverse("indicator_form", args=[PERIOD]), {"file": explained, "action": "submit"}
    )
    assert response.status_code == 302, response.content.decode().split('data-testid="errors"')[-1][
        :800
    ]
    sub = Submission.objects.get(period=PERIOD)
    assert sub.state == SubmissionState.SUBMITTED
    assert Value.objects.filter(submission=sub, explanation="新建校舍投入使用").count() == 1
    notes = list(AuditEntry.objects.filter(object_pk=str(sub.pk)).values_list("note", flat=True))
    assert "submitted" in notes


def test_review_returns_with_comment_then_approves(
    city: City, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _fill(_template(city))
    city.client("reporter").post(
        reverse("indicator_form", args=[PERIOD]), {"file": upload, "action": "submit"}
    )
    sub = Submission.objects.get(period=PERIOD)
    url = reverse("indicator_review", args=[sub.pk])
    quality = city.client("quality")
    assert quality.post(url, {"action": "return", "comment": ""}).status_code == 400
    assert quality.post(url, {"action": "return", "comment": "请核实"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == SubmissionState.RETURNED and sub.comment == "请核实"
    # the department fixes it in the web form and submits again
    form = city.client("reporter")
    page = form.get(reverse("indicator_form", args=[PERIOD])).content.decode()
    assert "请核实" in page
    values = {
        f"v-{v.region.code}-{v.indicator.code}": "" if v.value is None else v.value
        for v in Value.objects.filter(submission=sub)
    }
    values |= {
        f"e-{v.region.code}-{v.indicator.code}": v.explanation
        for v in Value.objects.filter(submission=sub)
    }
    assert (
        form.post(
            reverse("indicator_form", args=[PERIOD]), {**values, "action": "submit"}
        ).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert quality.post(url, {"action": "approve"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == SubmissionState.APPROVED
    # The approval queues the period's integrity checks for the city, and they run.
    from django_tasks_db.models import DBTaskResult

    (queued,) = DBTaskResult.objects.filter(task_path="minsheng.indicators.tasks.check_period")
    city_region = sub.organisation.region.city or sub.organisation.region
    assert queued.args_kwargs["kwargs"] == {"period": sub.period, "region_id": city_region.pk}
    assert queued.task.call(**queued.args_kwargs["kwargs"])["region"] == city_region.code
    # approved data can no longer be changed by the department
    again = form.post(reverse("indicator_form", args=[PERIOD]), {**values, "action": "save"})
    assert again.status_code == 409


def test_other_city_quality_office_cannot_decide(city: City) -> None:
    sub = Submission.objects.filter(state=SubmissionState.SUBMITTED).first()
    assert sub is not None
    url = reverse("indicator_review", args=[sub.pk])
    assert city.client("other_quality").post(url, {"action": "approve"}).status_code == 403
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SUBMITTED


def test_board_shows_who_has_not_reported(city: City) -> None:
    body = (
        city.client("quality")
        .get(reverse("indicator_board"), {"period": "2026Q3"})
        .content.decode()
    )
    assert 'data-state="none"' in body and 'data-state="approved"' in body
    assert "报送率" in body
