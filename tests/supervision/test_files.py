"""Supporting documents on a report: Word, PDF and images, checked by their first bytes and
size; a refused file stores nothing; kept sealed; downloaded only by those who see the task."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.core.evidence import MAX_BYTES
from minsheng.supervision.models import Task, TaskFile, TaskState
from tests.conftest import City
from tests.core.plans.test_parse import docx

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _task(city: City) -> Task:
    task = Task.objects.filter(
        unit=city.users["county"].organisation, state=TaskState.ASSIGNED
    ).first()
    assert task is not None
    return task


def _report(city: City, task: Task, *files: SimpleUploadedFile) -> int:
    url = reverse("supervision_task", args=[task.pk])
    data = {"action": "report", "note": "已完成", "percent": "100", "files": list(files)}
    return int(city.client("county").post(url, data).status_code)


def test_documents_are_kept_sealed_and_served_to_those_who_see_the_task(city: City) -> None:
    task = _task(city)
    word = docx(["整改报告"])
    status = _report(
        city,
        task,
        SimpleUploadedFile("整改报告.pdf", PDF),
        SimpleUploadedFile("现场照片.png", PNG),
        SimpleUploadedFile("方案.docx", word),
    )
    assert status == 302
    kept = list(TaskFile.objects.filter(task=task))
    assert [f.name for f in kept] == ["整改报告.pdf", "现场照片.png", "方案.docx"]
    assert not Path(kept[0].path).read_bytes().startswith(b"%PDF")  # sealed on disk
    url = reverse("supervision_file", args=[kept[0].pk])
    for insider in ("county", "quality", "leader"):
        got = city.client(insider).get(url)
        assert got.status_code == 200 and got.content == PDF, insider
    assert got["Content-Type"] == "application/pdf"
    for outsider in ("other_county", "vendor", "window", "other_quality"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    page = city.client("quality").get(reverse("supervision_task", args=[task.pk]))
    assert "现场照片.png" in page.content.decode()


def test_a_bad_file_stores_nothing(city: City, settings: object) -> None:
    task = _task(city)
    folder = Path(settings.VAR_DIR) / "files"  # type: ignore[attr-defined]
    before = set(folder.glob("*")) if folder.exists() else set()
    cases = [
        (SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00binary"), "内容不是PDF文件"),
        (SimpleUploadedFile("脚本.exe", b"MZ"), "只能上传 Word、PDF 或图片"),
        (SimpleUploadedFile("空.png", b""), "是空文件"),
        (SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * MAX_BYTES), "超过 20 MB"),
    ]
    for bad, message in cases:
        url = reverse("supervision_task", args=[task.pk])
        response = city.client("county").post(
            url,
            {
                "action": "report",
                "note": "x",
                "percent": "10",
                "files": [SimpleUploadedFile("好.pdf", PDF), bad],
            },
        )
        assert response.status_code == 400 and message in response.content.decode(), message
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and not TaskFile.objects.filter(task=task).exists()
    after = set(folder.glob("*")) if folder.exists() else set()
    assert after == before
    many = [SimpleUploadedFile(f"{k}.pdf", PDF) for k in range(11)]
    assert _report(city, task, *many) == 400


def test_documents_over_the_api(city: City) -> None:
    task = _task(city)
    url = f"/api/supervision/tasks/{task.pk}/report/files"

    def data() -> dict[str, object]:  # a new file each time: a posted file is read to its end
        return {"note": "已完成", "percent": "100", "files": [SimpleUploadedFile("报告.pdf", PDF)]}

    refused = city.client("other_county").post(url, data())
    assert refused.status_code == 403
    bad = {"note": "x", "percent": "10", "files": [SimpleUploadedFile("a.pdf", b"MZ")]}
    assert city.client("county").post(url, bad).status_code == 422
    done = city.client("county").post(url, data())
    assert done.status_code == 200, done.content.decode()
    (event,) = [e for e in done.json()["events"] if e["action"] == "reported"]
    assert [f["name"] for f in event["files"]] == ["报告.pdf"]
    assert city.client("quality").get(event["files"][0]["url"]).content == PDF
