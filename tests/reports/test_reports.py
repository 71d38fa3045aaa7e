"""The quarterly report on the platform: made by the page (a job), the command and the same
engine; its headline numbers are the pages' numbers (the city's level index and rank as the
indicator scorecard shows them; the quarter's 好评率 as the statistics compute it); archived with
both files; the office's templates versioned; bad requests answered in one line; outsiders
refused."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from minsheng.core.index.periods import Period
from minsheng.core.reports.render import default_template
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.reports.models import Report, ReportTemplate
from minsheng.reports.services import quarterly_make
from minsheng.reviews.models import Rating
from tests.conftest import City, post_and_run_job


def _city(city: City):  # type: ignore[no-untyped-def]
    root = city.county.parent
    assert root is not None
    return root


def test_headline_numbers_are_the_pages_numbers(city: City) -> None:
    root = _city(city)
    centre = city.users["window"].organisation
    assert centre is not None
    at = dt.datetime(2026, 8, 3, 10, tzinfo=SHANGHAI)
    for k, level in enumerate([5, 5, 4, 1, 5, 3, 5, 2]):  # 6 of 8 active at 3–5: 75.0 %
        Rating.objects.create(
            case_no=f"RP{k}", department=centre, centre=centre, channel="window", level=level,
            source="active", rated_at=at,
        )  # fmt: skip
    made = quarterly_make(root, Period(2026, 3), today=dt.date(2026, 10, 12))
    page = city.client("quality").get(
        reverse("indicator_scorecard", args=[root.code]), {"period": "2026Q3"}
    )
    assert page.status_code == 200
    # The scorecard's own rank row (the ranking page computes the same rows).
    from minsheng.indicators.results import rank_rows
    from minsheng.indicators.selectors import index_result, region_peers

    row = next(
        r
        for r in rank_rows(index_result(region_peers(root), Period(2026, 3), runs=500), {root.code})
        if r.code == root.code
    )
    assert made.content.headline["水平指数"] == f"{row.index:.2f}"
    assert made.content.headline["水平指数排名"] == str(row.rank)
    assert made.content.headline["好评率"] == "75.0%"
    docx = Document(io.BytesIO(made.docx))
    words = "\n".join(p.text for p in docx.paragraphs)
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(made.pdf)).pages).replace("\n", "")
    for figure in (f"水平指数{row.index:.2f}", f"第{row.rank}位", "好评率75.0%"):
        assert figure in words and figure in pdf, figure


def test_a_province_report_has_its_ratings_section(city: City) -> None:
    """The root of the tree (a province) has no parent to be ranked under; its 好差评 figures
    are those of every rating in its subtree."""
    from minsheng.reports.facts import rating_facts

    province = _city(city).province
    assert province is not None and province.parent is None
    centre = city.users["window"].organisation
    at = dt.datetime(2026, 8, 3, 10, tzinfo=SHANGHAI)
    for k, level in enumerate([5, 1, 4, 2]):  # 2 of 4 good: 50.0 %
        Rating.objects.create(
            case_no=f"PR{k}", department=centre, centre=centre, channel="window", level=level,
            source="active", rated_at=at,
        )  # fmt: skip
    facts = rating_facts(province, dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert facts is not None and facts.active == 4 and facts.good_rate == pytest.approx(0.5)
    assert facts.bad == 2 and [u.name for u in facts.units] == [_city(city).name]


def test_page_makes_archives_and_serves_the_report(city: City) -> None:
    office = city.client("quality")
    root = _city(city)
    listing = office.get(reverse("report_list"))
    assert listing.status_code == 200
    job = post_and_run_job(office, reverse("report_new"), {"region": root.code, "period": "2026Q3"})
    assert job.status_code == 200 and "已生成" in job.content.decode()
    report = Report.objects.get()
    assert report.fingerprint and report.content["headline"]
    word = office.get(reverse("report_file", args=[report.pk, "docx"]))
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = office.get(reverse("report_file", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "filename*=UTF-8''" in pdf["Content-Disposition"]
    # The leader reads it; the county's officer neither reads the city's nor makes it.
    assert (
        city.client("leader").get(reverse("report_file", args=[report.pk, "pdf"])).status_code
        == 200
    )
    county = city.client("county")
    assert county.get(reverse("report_file", args=[report.pk, "pdf"])).status_code == 403
    made = county.post(reverse("report_new"), {"region": root.code, "period": "2026Q3"})
    assert made.status_code == 403
    for outsider in ("other_quality", "reporter", "window", "vendor", "inspector"):
        client = city.client(outsider)
        assert client.get(reverse("report_file", args=[report.pk, "docx"])).status_code == 403
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get(reverse("report_list")).status_code == 403
    assert Client().get(reverse("report_list")).status_code == 302
    bad = post_and_run_job(office, reverse("report_new"), {"region": root.code, "period": "2026"})
    assert bad.status_code == 302 and Report.objects.count() == 1


def test_the_office_keeps_template_versions(city: City) -> None:
    office = city.client("quality")
    page = reverse("report_templates")
    assert office.get(page, {"download": "current"}).content == default_template()
    broken = io.BytesIO(b"not a word file")
    broken.name = "坏模板.docx"
    refused = office.post(page, {"file": broken, "note": "试"})
    assert refused.status_code == 400 and "不是有效的 Word 文件" in refused.content.decode()
    doc = Document(io.BytesIO(default_template()))
    doc.add_paragraph("本报告由平台生成（本市版）")
    buffer = io.BytesIO()
    doc.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "本市模板.docx"
    assert office.post(page, {"file": upload, "note": "加一句"}).status_code == 302
    template = ReportTemplate.objects.get()
    assert template.version == 1
    made = quarterly_make(_city(city), Period(2026, 3))
    assert made.template == template
    assert "本报告由平台生成（本市版）" in "\n".join(
        p.text for p in Document(io.BytesIO(made.docx)).paragraphs
    )
    for who in ("leader", "county", "reporter", "other_quality"):
        status = city.client(who).get(page).status_code
        assert status == 403 or (who == "other_quality" and status == 200), who
    # Another city's office sees its own (default) template, not this one.
    other = city.client("other_quality").get(page, {"download": "current"})
    assert other.content == default_template()


def test_command_writes_the_file_and_says_what_is_wrong(city: City, tmp_path: Path) -> None:
    root = _city(city)
    out = StringIO()
    target = tmp_path / "报告.pdf"
    call_command("report", "quarterly", "--region", root.code, "--period", "2026Q3",
                 "--format", "pdf", "--output", str(target), stdout=out)  # fmt: skip
    assert target.read_bytes().startswith(b"%PDF-")
    assert json.loads(out.getvalue())["report"] == Report.objects.get().pk
    cases = [
        (["--region", "999999999999", "--period", "2026Q3"], "没有地区"),
        (["--region", root.code, "--period", "2019Q1"], "没有可报告的数据"),
        (["--region", root.code, "--period", "2026"], "须为季度"),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message) as caught:
            call_command("report", "quarterly", *args, "--output", str(tmp_path / "x.docx"))
        assert caught.value.returncode == 2
    with pytest.raises(CommandError, match="无法写入") as caught:
        call_command("report", "quarterly", "--region", root.code, "--period", "2026Q3",
                     "--output", str(tmp_path / "no" / "x.docx"))  # fmt: skip
    assert caught.value.returncode == 2


def test_scheduled_report_on_the_fifth_working_day(city: City) -> None:
    """Q3 2026 ends on 30 September; with the National Day holiday (1–8 October, 10 October a
    make-up working day, per the State Council's 2026 notice as the holidays package has it) the
    5th working day after it falls in mid-October. Computed here from the calendar itself."""
    from minsheng.notify.models import Notification
    from minsheng.reports.models import ReportSchedule
    from minsheng.reports.services import schedule_due, scheduled_reports
    from minsheng.reviews.services.deadlines import work_calendar

    root = _city(city)
    office = city.client("quality")
    saved = office.post(
        reverse("report_templates"),
        {"schedule": "1", "working_day": "5", "recipients": "leader、quality", "enabled": "on"},
    )
    assert saved.status_code == 302
    schedule = ReportSchedule.objects.get(region=root)
    assert set(schedule.recipients.values_list("username", flat=True)) == {"leader", "quality"}
    due = work_calendar().add_working_days(dt.date(2026, 9, 30), 5)
    assert dt.date(2026, 10, 9) <= due <= dt.date(2026, 10, 16)
    assert schedule_due(schedule, due - dt.timedelta(days=1)) is None
    assert schedule_due(schedule, due) == Period(2026, 3)
    assert scheduled_reports(due) == 1
    report = Report.objects.get(period="2026Q3")
    assert report.created_by is None  # made by the system
    told = Notification.objects.filter(kind="report", title__startswith=report.title)
    assert set(told.values_list("user__username", flat=True)) == {"leader", "quality"}
    assert scheduled_reports(due + dt.timedelta(days=3)) == 0  # once per quarter
    bad = office.post(
        reverse("report_templates"), {"schedule": "1", "working_day": "5", "recipients": "nobody"}
    )
    assert bad.status_code == 302
    assert "nobody" in office.get(reverse("report_templates")).content.decode()
