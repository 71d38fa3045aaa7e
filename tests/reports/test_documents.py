"""Every document the platform prints goes through the one documents engine, in both formats,
saying the same thing: the 一次性告知单 (public), the 督办单 and the inspection 通报 (with its
文号) — read back with python-docx and pypdf."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from minsheng.catalog.models import CatalogItem
from minsheng.inspections.models import Plan
from minsheng.supervision.models import Task
from tests.conftest import City


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def test_notice_of_an_item_in_word_and_pdf(city: City) -> None:
    item = (
        CatalogItem.objects.filter(valid_to__isnull=True, published=True)
        .exclude(materials=[])
        .first()
    )
    assert item is not None, "the demo publishes items with materials"
    args = [item.region.code, item.code]
    word = Client().get(reverse("guide_notice", args=args))
    pdf = Client().get(reverse("guide_notice_pdf", args=args))
    assert word.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    first = item.materials[0]["name"]
    for text in (_docx_text(word.content), _pdf_text(pdf.content)):
        assert "一次性告知单" in text and item.name in text and first in text


def test_task_order_and_inspection_notice_in_both_formats(city: City) -> None:
    office = city.client("quality")
    task = Task.objects.filter(unit=city.users["county"].organisation).first()
    assert task is not None
    url = reverse("supervision_task_order", args=[task.pk])
    word, pdf = office.get(url), office.get(url, {"format": "pdf"})
    for text in (_docx_text(word.content), _pdf_text(pdf.content)):
        assert "督 办 单" in text.replace("督办单", "督 办 单") and task.unit.name in text
    plan = Plan.objects.order_by("-pk").first()
    assert plan is not None
    page = reverse("inspection_plan", args=[plan.pk])
    number = "清质办〔2026〕12号"
    word = office.get(page, {"format": "docx", "number": number})
    pdf = office.get(page, {"format": "pdf", "number": number})
    for text in (_docx_text(word.content), _pdf_text(pdf.content)):
        assert number in text and f"关于{plan.name}情况的通报" in text
        assert "附表：明察暗访问题清单" in text


def test_department_section_for_its_own_department_only(city: City) -> None:
    reporter = city.client("reporter")
    org = city.users["reporter"].organisation
    assert org is not None
    page = reporter.get(reverse("report_department"))
    assert page.status_code == 200 and page.context["org"] == org
    word = reporter.get(reverse("report_department"), {"period": "2026Q3", "format": "docx"})
    text = _docx_text(word.content)
    assert f"{org.name}公共服务质量情况" in text
    led = list(org.lead_indicators.values_list("name", flat=True))
    assert led and any(name in text for name in led)  # its lead indicators are listed
    pdf = reporter.get(reverse("report_department"), {"period": "2026Q3", "format": "pdf"})
    assert f"{org.name}公共服务质量情况" in _pdf_text(pdf.content)
    # Asking for another department still gives the reporter's own.
    other = city.users["other_reporter"].organisation
    assert other is not None
    mine = reporter.get(reverse("report_department"), {"org": other.key})
    assert mine.context["org"] == org
    office = city.client("quality").get(reverse("report_department"), {"org": other.key})
    assert office.context["org"] == other
    for who in ("window", "vendor", "county"):
        assert city.client(who).get(reverse("report_department")).status_code in (403, 404), who
    assert (
        city.client("other_quality")
        .get(reverse("report_department"), {"org": other.key})
        .status_code
        == 404
    )
