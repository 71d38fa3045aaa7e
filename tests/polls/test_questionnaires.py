"""Questionnaire pages: a draft edited on the page and from Excel (round trip through the
export), rules refused with nothing changed, frozen once a poll uses it, new versions, and
every outsider refused."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from minsheng.orgs.models import Organisation, OrgKind
from minsheng.polls.models import Item, Questionnaire
from tests.conftest import City


def _formset(rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for k, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{k}-{key}"] = value
    return data


ROWS = [
    {
        "code": "D01",
        "text": "您对公共教育的满意程度",
        "scale": "satisfaction5",
        "domain": "公共教育",
    },
    {"code": "S01", "text": "您觉得夜间出行安全吗", "scale": "safety5", "domain": "公共安全"},
    {"code": "Q0", "text": "总体满意程度", "scale": "satisfaction5", "is_overall": "on"},
]


def _draft(city: City, quality: Client) -> Questionnaire:
    page = quality.post(reverse("questionnaire_list"), {"name": "群众满意度问卷"})
    assert page.status_code == 302
    return Questionnaire.objects.get(name="群众满意度问卷", region=city.county.parent)


def test_draft_edited_on_the_page_and_through_excel(city: City) -> None:
    quality = city.client("quality")
    draft = _draft(city, quality)
    url = reverse("questionnaire_detail", args=[draft.pk])
    police = Organisation.objects.filter(kind=OrgKind.DEPARTMENT, region=city.county.parent).first()
    assert police is not None
    rows = [{**r, "weight": "1"} for r in ROWS]
    rows[0]["weight"] = "2"
    rows[1]["department"] = police.key
    # The page always posts two blank rows for new items, as the browser sends them.
    blank = {"code": "", "text": "", "scale": "satisfaction5", "domain": "", "weight": "1"}
    assert quality.post(url, _formset([*rows, blank, blank])).status_code == 302
    items = list(draft.items.order_by("order"))
    assert [i.code for i in items] == ["D01", "S01", "Q0"]
    assert items[0].weight == 2.0 and items[1].organisation == police and items[2].is_overall

    # Two overall items: refused, the saved items unchanged.
    bad = [*rows, {"code": "Q9", "text": "又一道总体题", "scale": "yes_no", "weight": "1"}]
    bad[-1]["is_overall"] = "on"
    page = quality.post(url, _formset(bad))
    assert any("只能有一道总体满意度题" in e for e in page.context["errors"])
    assert draft.items.count() == 3

    # Export, then import the workbook into a second draft: the same items.
    exported = quality.get(url, {"format": "xlsx"})
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    quality.post(reverse("questionnaire_list"), {"name": "第二份问卷"})
    second = Questionnaire.objects.get(name="第二份问卷")
    second_url = reverse("questionnaire_detail", args=[second.pk])
    upload = SimpleUploadedFile("items.xlsx", exported.content)
    assert quality.post(second_url, {"action": "import", "file": upload}).status_code == 302

    def shape(q: Questionnaire) -> list[tuple[Any, ...]]:
        return list(
            q.items.order_by("order").values_list(
                "code", "text", "scale", "domain", "organisation", "weight", "is_overall"
            )
        )

    assert shape(second) == shape(draft)
    # A bad sheet (GBK CSV, unknown scale in row 3): located error, nothing replaced.
    csv = "题号,题目,量表\nA1,题一,是/否\nA2,题二,七级量表\n".encode("gbk")
    page = quality.post(
        second_url, {"action": "import", "file": SimpleUploadedFile("items.csv", csv)}
    )
    assert any("第 3 行" in e and "量表" in e for e in page.context["errors"])
    assert shape(second) == shape(draft)


def test_a_poll_freezes_its_questionnaire_and_new_versions_copy_it(city: City) -> None:
    quality = city.client("quality")
    draft = _draft(city, quality)
    url = reverse("questionnaire_detail", args=[draft.pk])
    quality.post(url, _formset([{**r, "weight": "1"} for r in ROWS]))
    form = {"name": "满意度", "round": "2026Q4", "questionnaire": draft.pk, "min_n": "30"}
    assert quality.post(reverse("poll_new"), {**form, "min_duration": "120"}).status_code == 302
    draft.refresh_from_db()
    assert draft.frozen
    page = quality.post(url, _formset([{**ROWS[0], "weight": "1"}]))
    assert any("冻结" in e for e in page.context["errors"])
    assert draft.items.count() == 3
    copy_page = quality.post(reverse("questionnaire_version", args=[draft.pk]))
    assert copy_page.status_code == 302
    copy = Questionnaire.objects.exclude(pk=draft.pk).get(name=draft.name)
    assert (copy.version, copy.frozen) == (2, False)
    assert list(copy.items.values_list("code", flat=True)) == ["D01", "S01", "Q0"]


def test_questionnaire_scope(city: City) -> None:
    quality = city.client("quality")
    draft = _draft(city, quality)
    shared = Questionnaire.objects.create(name="省统一问卷", version=1)
    Item.objects.create(questionnaire=shared, code="Q1", text="题", scale="yes_no")
    detail = reverse("questionnaire_detail", args=[draft.pk])
    listing = reverse("questionnaire_list")
    assert quality.get(detail).status_code == 200
    names = [r["q"].name for r in quality.get(listing).context["rows"]]
    assert "省统一问卷" in names and "群众满意度问卷" in names
    # A shared questionnaire is read, and copied, but not edited in place.
    shared_url = reverse("questionnaire_detail", args=[shared.pk])
    assert quality.get(shared_url).status_code == 200
    assert quality.post(shared_url, _formset([{**ROWS[0], "weight": "1"}])).status_code == 403
    other = city.client("other_quality")
    assert other.get(detail).status_code == 403
    assert other.post(detail, _formset([{**ROWS[0], "weight": "1"}])).status_code == 403
    assert other.post(reverse("questionnaire_version", args=[draft.pk])).status_code == 403
    assert "群众满意度问卷" not in [r["q"].name for r in other.get(listing).context["rows"]]
    for outsider in ("county", "vendor", "reporter", "leader"):
        client = city.client(outsider)
        assert client.get(listing).status_code == 403, outsider
        assert client.get(detail).status_code == 403, outsider
    for url in (listing, detail):
        assert city.client(None).get(url).status_code == 302
    assert not draft.items.exists()
    # Another city's poll form does not offer this city's questionnaire.
    quality.post(detail, _formset([{**ROWS[0], "weight": "1"}]))
    offered = other.get(reverse("poll_new")).context["form"].fields["questionnaire"].queryset
    assert draft not in offered and shared in offered
