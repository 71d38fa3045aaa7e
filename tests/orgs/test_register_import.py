"""The register round trip: export a region to Excel, edit it, upload it again."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.orgs.models import Organisation, Staff, Window
from tests.conftest import City, post_and_run_job


def _exported(city: City, code: str) -> bytes:
    return city.client("quality").get(reverse("region_export", args=[code])).content


def _edit(data: bytes, edits: dict[str, list[list[object]]]) -> bytes:
    """Append rows to sheets of an exported workbook (openpyxl, as a user's Excel would)."""
    book = load_workbook(io.BytesIO(data))
    for sheet, rows in edits.items():
        for row in rows:
            book[sheet].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(city: City, user: str, data: bytes, **extra: str):  # type: ignore[no-untyped-def]
    """Upload, let the job run, and return the job page (or the refusal)."""
    file = SimpleUploadedFile("名册.xlsx", data)
    return post_and_run_job(city.client(user), reverse("register_upload"), {"file": file, **extra})


def test_unchanged_export_uploads_as_unchanged(city: City) -> None:
    before = AuditEntry.objects.exclude(action="security").count()
    response = _upload(city, "quality", _exported(city, city.county.code))
    body = response.content.decode()
    assert response.status_code == 200
    windows = Window.objects.filter(centre__region__code__startswith=city.county.code[:6]).count()
    assert f"窗口：新建 0，更新 0，未变 {windows}" in body
    assert AuditEntry.objects.exclude(action="security").count() == before


def test_new_and_changed_rows_are_written_and_audited(city: City) -> None:
    centre = Organisation.objects.get(key=f"centre-{city.township.code}")
    data = _edit(
        _exported(city, city.township.code),
        {
            "窗口": [[centre.key, "", 9, "不动产登记", "是"]],
            "窗口工作人员": [["T-001", "赵新", centre.key, 9, "是"]],
            "机构": [
                [
                    "centre-new",
                    "新社区便民服务站",
                    "政务（便民）服务中心",
                    city.township.code,
                    "",
                    "是",
                ]
            ],
        },
    )
    response = _upload(city, "quality", data)
    assert "导入完成" in response.content.decode(), response.content.decode()[:2000]
    window = Window.objects.get(centre=centre, number=9)
    person = Staff.objects.get(staff_no="T-001")
    assert person.window == window and person.centre == centre
    new_centre = Organisation.objects.get(key="centre-new")
    assert new_centre.centre_level == city.township.level
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, note="upload 名册.xlsx")
    assert {e.object_type for e in created} == {"orgs.window", "orgs.staff", "orgs.organisation"}
    assert all(e.actor == city.users["quality"] for e in created)


def test_a_register_with_errors_writes_nothing_and_shows_every_error(city: City) -> None:
    centre = Organisation.objects.get(key=f"centre-{city.township.code}")
    data = _edit(
        _exported(city, city.township.code),
        {"窗口": [[centre.key, "", 9, "新窗口", "是"], [centre.key, "", "九", "坏窗口", "是"]]},
    )
    counts = (Window.objects.count(), AuditEntry.objects.exclude(action="security").count())
    response = _upload(city, "quality", data)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="job-errors"' in body
    assert (
        "未导入任何数据" in body
        and "<td>窗口</td>" in body
        and "窗口号“九”应为 1–999 的整数" in body
    )
    assert (Window.objects.count(), AuditEntry.objects.exclude(action="security").count()) == counts


def test_check_only_writes_nothing(city: City) -> None:
    centre = Organisation.objects.get(key=f"centre-{city.township.code}")
    data = _edit(
        _exported(city, city.township.code), {"窗口": [[centre.key, "", 9, "新窗口", "是"]]}
    )
    body = _upload(city, "quality", data, check_only="on").content.decode()
    assert "检查通过" in body and not Window.objects.filter(centre=centre, number=9).exists()


def test_outsiders_cannot_upload_and_another_city_cannot_touch_this_one(city: City) -> None:
    data = _exported(city, city.county.code)
    for outsider in ("leader", "county", "reporter", "window", "vendor"):
        assert _upload(city, outsider, data).status_code == 403, outsider
        assert city.client(outsider).get(reverse("register_upload")).status_code == 403
    assert city.client(None).get(reverse("register_upload")).status_code == 302
    body = _upload(city, "other_quality", data).content.decode()
    assert "不在您的权限范围内" in body


def test_not_an_excel_file_is_one_clear_error(city: City) -> None:
    response = _upload(city, "quality", "标识,名称\n".encode("gbk"))
    assert "不是 Excel 文件" in response.content.decode()
    assert not list((settings.VAR_DIR / "uploads").glob("register-*"))  # deleted with the job


def test_command_round_trip_and_errors(city: City, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    call_command("register", "export", str(path), stdout=StringIO())
    out = StringIO()
    call_command("register", "import", str(path), stdout=out)
    assert "windows: created 0, updated 0" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_edit(path.read_bytes(), {"窗口工作人员": [["X1", "", "nope", "", ""]]}))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("register", "import", str(bad), stdout=StringIO(), stderr=err)
    assert "工作表 窗口工作人员" in err.getvalue() and "列 姓名" in err.getvalue()


def test_register_export_writes_formula_like_names_as_text(city: City) -> None:
    org = Organisation.objects.filter(region=city.county).order_by("pk").first()
    assert org is not None
    Organisation.objects.filter(pk=org.pk).update(name='=HYPERLINK("http://evil","点此")')
    book = load_workbook(io.BytesIO(_exported(city, city.county.code)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    hits = [c for c in cells if c.value == '=HYPERLINK("http://evil","点此")']
    assert hits and all(c.data_type == "s" for c in hits)
    assert not [c for c in cells if c.data_type == "f"]


def test_the_job_page_is_refused_to_everyone_but_its_owner(city: City) -> None:
    from minsheng.jobs.models import JobRun

    _upload(city, "quality", _exported(city, city.county.code), check_only="on")
    run = JobRun.objects.get(kind="orgs.register")
    page = reverse("job_detail", args=[run.pk])
    assert city.client("quality").get(page).status_code == 200
    for outsider in ("other_quality", "county", "leader", "vendor"):
        assert city.client(outsider).get(page).status_code == 403, outsider
    assert city.client(None).get(page).status_code == 302
