from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.orgs.models import Region
from tests.conftest import City


def _import(path: Path) -> str:
    out = StringIO()
    call_command("regions", "import", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_gbk_csv_import_creates_regions_with_ancestors_and_audits_each(
    city: City, tmp_path: Path
) -> None:
    county = city.county
    path = tmp_path / "新增乡镇.csv"
    path.write_bytes(
        f"区划代码,名称\n{county.code[:6]}201,新城街道\n{county.code[:6]}201001,新城社区\n".encode(
            "gbk"
        )
    )
    assert "created 2" in _import(path)
    village = Region.objects.get(code=f"{county.code[:6]}201001")
    assert village.name == "新城社区" and village.parent is not None
    assert village.parent.name == "新城街道"
    assert village.county == county and village.township == village.parent
    assert Region.objects.filter(**county.subtree_filter()).filter(code=village.code).exists()
    created = AuditEntry.objects.filter(object_type="orgs.region", action=AuditAction.CREATE)
    assert {e.region_code for e in created} == {village.code, village.parent.code}


def test_renames_are_audited_with_before_and_after_and_reimport_changes_nothing(
    city: City, tmp_path: Path
) -> None:
    path = tmp_path / "rename.csv"
    path.write_text(f"code,name\n{city.township.code},改名街道\n", encoding="utf-8")
    assert "renamed 1" in _import(path)
    entry = AuditEntry.objects.get(object_type="orgs.region", action=AuditAction.UPDATE)
    assert entry.before == {"name": city.township.name} and entry.after == {"name": "改名街道"}
    assert "unchanged 1" in _import(path)


def test_a_file_with_errors_writes_nothing_and_lists_every_error(
    city: City, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        f"code,name\n{city.county.code[:6]}301,好街道\n{city.county.code[:6]}302,\n99x,坏\n",
        encoding="utf-8",
    )
    regions, audits = Region.objects.count(), AuditEntry.objects.exclude(action="security").count()
    err = StringIO()
    with pytest.raises(CommandError, match="2 处错误，未导入任何数据"):
        call_command("regions", "import", str(path), stdout=StringIO(), stderr=err)
    assert "第 3 行，列 name：名称为空" in err.getvalue()
    assert "第 4 行，列 code：区划代码“99x”只能包含数字" in err.getvalue()
    assert (Region.objects.count(), AuditEntry.objects.exclude(action="security").count()) == (
        regions,
        audits,
    )


def test_export_then_import_round_trips(city: City, tmp_path: Path) -> None:
    path = tmp_path / "regions.xlsx"
    call_command("regions", "export", str(path), stdout=StringIO())
    assert f"unchanged {Region.objects.count()}" in _import(path)


def test_export_follows_the_file_name(city: City, tmp_path: Path) -> None:
    csv_path = tmp_path / "regions.csv"
    call_command("regions", "export", str(csv_path), stdout=StringIO())
    text = csv_path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbfcode,name,level,parent_code\r\n")
    assert f"unchanged {Region.objects.count()}" in _import(csv_path)
    with pytest.raises(CommandError, match=r"\.xlsx 或 \.csv"):
        call_command("regions", "export", str(tmp_path / "regions.txt"), stdout=StringIO())
    assert not (tmp_path / "regions.txt").exists()


def test_dry_run_and_missing_file(city: City, tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text(f"code,name\n{city.county.code[:6]}301,新街道\n", encoding="utf-8")
    out = StringIO()
    call_command("regions", "import", str(path), "--dry-run", stdout=out)
    assert "check passed" in out.getvalue()
    assert not Region.objects.filter(name="新街道").exists()
    with pytest.raises(CommandError, match="no such file"):
        call_command("regions", "import", str(tmp_path / "nope.csv"))
