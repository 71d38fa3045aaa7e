"""The catalog's own pages: the list with each item's findings and the cross-level differences,
the changes between two dates, the export that imports again, and the public 办事指南 with its
一次性告知单 (read back with python-docx) and QR code — unpublished items nowhere in public."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO
from pathlib import Path

import docx
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from minsheng.catalog.models import CatalogItem
from minsheng.catalog.services import catalog_store
from minsheng.core.catalog.items import Change, catalog_diff
from minsheng.core.catalog.sheet import items_from_sheet
from tests.conftest import City
from tests.core.catalog.test_catalog import _item


def test_diff_names_every_changed_field() -> None:
    a = _item("1", "390101000000", promised_days=10)
    b = _item("2", "390101000000")
    changed = _item("1", "390101000000", promised_days=5, instant=False, place="二楼")
    c = _item("3", "390101000000")
    assert catalog_diff([a, b], [changed, c]) == [
        Change("1", "390101000000", "事项1", "changed",
               (("承诺办结时限", "10", "5"), ("办理地点", "—", "二楼"))),
        Change("2", "390101000000", "事项2", "removed"),
        Change("3", "390101000000", "事项3", "added"),
    ]  # fmt: skip


def test_items_page_shows_findings_and_differences(city: City) -> None:
    url = reverse("catalog_items")
    page = city.client("quality").get(url, {"region": city.county.parent.code})  # type: ignore[union-attr]
    assert page.status_code == 200
    body = page.content.decode()
    # The demo's planted problems: a township's extra material, a village's longer promise,
    # a county item's visit without its reason, a fee without its basis.
    assert "多出材料：村委会证明" in body and "长于上级的" in body
    only = city.client("quality").get(url, {"problems": "1"})
    assert "到现场次数大于 0 须说明到现场的原因" in only.content.decode()
    export = city.client("quality").get(url, {"format": "xlsx"})
    items = items_from_sheet(export.content, filename="导出.xlsx")
    assert len(items) == CatalogItem.objects.filter(valid_to=None).count()
    assert any(i.materials for i in items)
    assert city.client("county").get(url).status_code == 200
    assert city.client("county").get(url, {"region": city.other_county.code}).status_code == 403
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    ours = {"region": city.county.code}
    assert city.client("other_quality").get(url, ours).status_code == 403


def test_changes_page_between_the_demo_versions(city: City) -> None:
    url = reverse("catalog_changes")
    page = city.client("quality").get(url, {"from": "2026-07-01", "to": "2026-10-02"})
    assert page.status_code == 200
    changes = page.context["changes"]
    assert changes and all(c.kind == "changed" for c, _kind, _region in changes)
    assert any(label == "承诺办结时限" for c, _k, _r in changes for label, _a, _b in c.fields)
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider


def test_export_command_writes_what_import_reads(city: City, tmp_path: Path) -> None:
    root = city.county.parent
    assert root is not None
    path = tmp_path / "清单.xlsx"
    out = StringIO()
    call_command("catalog", "export", str(path), "--region", city.county.code, stdout=out)
    count = json.loads(out.getvalue())["items"]
    assert count == len(items_from_sheet(path.read_bytes(), filename=path.name)) > 0
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC), tick=False):
        again = catalog_store(
            items_from_sheet(path.read_bytes(), filename=path.name), root=root, actor=None
        )
    assert (again.created, again.changed, again.unchanged) == (0, 0, count)


def _published(city: City) -> CatalogItem:
    row = (
        CatalogItem.objects.filter(valid_to=None, region=city.county.parent)
        .exclude(materials=[])
        .order_by("code")
        .first()
    )
    assert row is not None
    return row


def test_public_guide_and_notice(city: City) -> None:
    row = _published(city)
    anonymous = Client()
    listing = anonymous.get(reverse("guide_list"), {"q": row.name})
    assert listing.status_code == 200 and row.name in listing.content.decode()
    page = anonymous.get(reverse("guide_item", args=[row.region.code, row.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert row.materials[0]["name"] in body and row.consult_phone in body
    notice = anonymous.get(reverse("guide_notice", args=[row.region.code, row.code]))
    assert notice.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(notice.content)).paragraphs)
    cells = [
        c.text
        for t in docx.Document(io.BytesIO(notice.content)).tables
        for r in t.rows
        for c in r.cells
    ]
    assert "一次性告知单" in text and row.name in text
    assert all(m["name"] in cells for m in row.materials)
    assert row.consult_phone in cells
    qr = anonymous.get(reverse("guide_qr", args=[row.region.code, row.code]))
    assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")
    CatalogItem.objects.filter(pk=row.pk).update(published=False)
    for name in ("guide_item", "guide_notice", "guide_qr"):
        assert anonymous.get(reverse(name, args=[row.region.code, row.code])).status_code == 404
    hidden = reverse("guide_item", args=[row.region.code, row.code])
    assert hidden not in anonymous.get(reverse("guide_list"), {"q": row.name}).content.decode()


@pytest.mark.parametrize("code", ["nope", "390100000000"])
def test_guide_404_for_unknown_items(city: City, code: str) -> None:
    assert Client().get(reverse("guide_item", args=[code, "X"])).status_code == 404


def test_items_api_is_scoped(city: City) -> None:
    from minsheng.accounts.models import ApiScope
    from minsheng.accounts.services import api_client_issue

    url = "/api/catalog/items"
    got = city.client("county").get(url, {"limit": 500}).json()
    assert got["count"] == len(got["items"]) > 0
    assert all(i["region"].startswith(city.county.code[:6]) for i in got["items"])
    first = got["items"][0]
    assert set(first) >= {"materials", "fees", "problems", "promised_days", "consult_phone"}
    searched = city.client("county").get(url, {"q": first["name"]}).json()
    assert searched["count"] >= 1 and first["name"] in searched["items"][0]["name"]
    assert city.client("county").get(url, {"date": "soon"}).status_code == 422
    assert city.client("county").get(url, {"region": city.other_county.code}).status_code == 403
    for outsider in ("reporter", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert Client().get(url).status_code == 401
    organisation = city.users["county"].organisation
    assert organisation is not None
    _, token = api_client_issue(
        actor=city.users["admin"], name="清单看板", organisation=organisation,
        scopes=[ApiScope.READ_HALLS],
    )  # fmt: skip
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get(url).json()["count"] == got["count"]
    assert machine.get(url, {"region": city.other_county.code}).status_code == 403
