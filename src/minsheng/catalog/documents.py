"""The 一次性告知单 of a service item (Word): everything an applicant needs to bring and know, on
one page for the window to print, with a QR code to the item's public 办事指南. Chinese only;
printed as Word or PDF by the documents engine (core/reports/render.py)."""

from __future__ import annotations

import datetime as dt
import io

import segno

from minsheng.core.catalog.items import Item
from minsheng.core.reports.content import Content, Picture, Section, Table
from minsheng.core.workdays.calendar import chinese_date


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def days_text(days: int | None) -> str:
    if days is None:
        return "—"
    return "即办" if days == 0 else f"{days} 个工作日"


def notice(item: Item, *, organisation: str, url: str, today: dt.date) -> Content:
    """The printable 一次性告知单 of ``item`` (Word or PDF through the documents engine)."""
    facts = Table(
        "",
        [],
        [
            ["事项编码", item.code],
            ["实施主体", organisation],
            ["办件类型", "即办件" if item.instant else "承诺件"],
            ["法定办结时限", days_text(item.legal_days)],
            ["承诺办结时限", days_text(item.promised_days)],
            ["到现场次数", "—" if item.visits is None else f"{item.visits} 次"],
            ["办理地点", item.place or "—"],
            ["办理时间", item.hours or "—"],
            ["咨询电话", item.consult_phone or "—"],
            ["投诉电话", item.complaint_phone or "—"],
        ],
        labels=True,
    )
    materials = Section("一、申请材料")
    if item.materials:
        materials.tables.append(
            Table(
                "",
                ["序号", "材料名称", "材料形式", "份数", "要求", "来源"],
                [
                    [str(k), m.name, m.form, str(m.count), m.need, m.source or "申请人自备"]
                    for k, m in enumerate(item.materials, start=1)
                ],
                [True, False, False, True, False, False],
            )
        )
        if any(m.need == "容缺后补" for m in item.materials):
            materials.paragraphs.append("标注“容缺后补”的材料可先行受理，请在承诺时限内补齐。")
    else:
        materials.paragraphs.append("无需提交材料。")
    fees = [f"{fee.name}：{fee.amount}（依据：{fee.basis or '—'}）" for fee in item.fees]
    sections = [
        Section("", tables=[facts]),
        materials,
        Section("二、受理条件", [item.conditions or "符合法律法规规定的条件。"]),
        Section("三、收费", fees or ["不收费。"]),
    ]
    if item.steps:
        sections.append(Section("四、办理流程", [item.steps]))
    closing = []
    if item.visits:
        closing.append(f"需到现场 {item.visits} 次：{item.visit_reason or '—'}")
    closing.append(
        "以上为办理本事项所需的全部材料和要求，窗口不得要求提供清单以外的材料。"
        "扫描下方二维码可查看网上办事指南。"
    )
    sections.append(Section("", closing, picture=Picture(qr_png(url), 3.5, url)))
    return Content(
        title="一次性告知单",
        subtitle=item.name,
        issuer="",
        date=f"告知日期：{chinese_date(today)}",
        sections=sections,
    )
