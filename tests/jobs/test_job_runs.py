from __future__ import annotations

import contextlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_record
from minsheng.jobs.models import JobRun, JobStatus
from minsheng.jobs.services import STALE, job_progress, job_running
from minsheng.jobs.tasks import reap_stale_jobs
from tests.conftest import City, build_city


@pytest.mark.django_db(transaction=True)  # the export runs in the real worker, which commits
def test_audit_export_runs_in_the_background_and_downloads_as_xlsx() -> None:
    city = build_city()
    audit_record(
        actor=city.users["county"],
        action=AuditAction.STATE,
        object_type="orgs.region",
        note="整改完成\x07",
        region_code=city.county.code,
    )
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        object_type="orgs.region",
        note="elsewhere",
        region_code="110000000000",
    )
    client = city.client("quality")
    response = client.post(reverse("audit_export"), {"action": ""})
    run = JobRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "job_detail", args=[run.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page

    call_command("worker", batch=True, no_startup_delay=True, verbosity=0)
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED and run.percent == 100
    visible = AuditEntry.objects.filter(region_code__startswith=city.county.code[:4]).count()
    assert run.result["rows"] == visible == run.total
    assert "hx-trigger" not in client.get(reverse("job_detail", args=[run.pk])).content.decode()

    download = client.get(reverse("job_download", args=[run.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert len(rows) == visible + 1
    notes = [r[6] for r in rows[1:]]
    assert (
        "整改完成" in notes and "elsewhere" not in notes
    )  # control character stripped, scope kept

    for outsider in ("leader", "county"):
        assert city.client(outsider).get(reverse("job_detail", args=[run.pk])).status_code == 403
        assert city.client(outsider).get(reverse("job_download", args=[run.pk])).status_code == 403
    assert city.client(None).get(reverse("job_download", args=[run.pk])).status_code == 302
    assert city.client("admin").get(reverse("job_detail", args=[run.pk])).status_code == 200


def test_roles_outside_the_quality_office_cannot_start_an_export(city: City) -> None:
    for outsider in ("county", "leader", "reporter", "vendor"):
        assert city.client(outsider).post(reverse("audit_export")).status_code == 403
    assert city.client(None).post(reverse("audit_export")).status_code == 302
    assert not JobRun.objects.exists()
    assert city.client("quality").get(reverse("audit_export")).status_code == 405


def test_a_failing_job_records_its_error_for_the_user(city: City) -> None:
    run = JobRun.objects.create(owner=city.users["quality"], kind="x", title="测试任务")
    with pytest.raises(ValueError), job_running(run.pk):
        job_progress(run.pk, done=3, total=10, message="第 3 行")
        raise ValueError("第 4 行：金额不是数字")
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED and run.done == 3
    page = city.client("quality").get(reverse("job_detail", args=[run.pk])).content.decode()
    assert "第 4 行：金额不是数字" in page and "任务失败" in page


def test_job_without_a_file_has_nothing_to_download(city: City) -> None:
    run = JobRun.objects.create(owner=city.users["quality"], kind="x", title="t")
    assert city.client("quality").get(reverse("job_download", args=[run.pk])).status_code == 404
    assert city.client("quality").get(reverse("job_detail", args=[run.pk + 999])).status_code == 404


def test_a_run_whose_worker_died_is_failed_and_its_upload_deleted(
    city: City, tmp_path: Path
) -> None:
    upload = tmp_path / "poll-upload"
    upload.write_bytes(b"phone\n13800001234\n")
    long_ago = timezone.now() - STALE - timedelta(seconds=5)
    dead = JobRun.objects.create(
        owner=city.users["quality"],
        kind="polls.fieldwork",
        title="导入",
        status=JobStatus.RUNNING,
        heartbeat_at=long_ago,
        upload=str(upload),
    )
    alive = JobRun.objects.create(
        owner=city.users["quality"],
        kind="x",
        title="运行中",
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )
    page = city.client("quality").get(reverse("job_detail", args=[dead.pk])).content.decode()
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "后台进程中断" in page
    assert not upload.exists() and dead.upload == ""
    assert alive.status == JobStatus.RUNNING
    assert reap_stale_jobs.call() == 0  # the periodic task finds nothing more


@pytest.mark.parametrize("fails", [False, True])
def test_the_upload_is_deleted_however_the_run_ends(
    city: City, tmp_path: Path, fails: bool
) -> None:
    upload = tmp_path / "upload.csv"
    upload.write_text("a\n1\n")
    run = JobRun.objects.create(
        owner=city.users["quality"], kind="x", title="t", upload=str(upload)
    )
    with contextlib.suppress(ValueError), job_running(run.pk):
        assert upload.exists()
        if fails:
            raise ValueError("坏文件")
    run.refresh_from_db()
    assert not upload.exists()
    assert run.status == (JobStatus.FAILED if fails else JobStatus.SUCCEEDED)
    assert run.heartbeat_at is not None
