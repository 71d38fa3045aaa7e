"""The 一次性告知单 of a service item (Word): everything an applicant needs to bring and know, on
one page for the window to print, with a QR code to the item's public 办事指南. Chinese only;
PDF will come from the documents engine (issue 16)."""

from __future__ import annotations

import datetime as dt
import io

import segno

from minsheng.core import word
from minsheng.core.catalog.items import Item
from minsheng.core.workdays.calendar import chinese_date


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def days_text(days: int | None) -> str:
    if days is None:
        return "—"
    return "即办" if days == 0 else f"{days} 个工作日"


def notice(item: Item, *, organisation: str, url: str, today: dt.date) -> bytes:
    """The printable 一次性告知单 of ``item``."""
    doc = word.new_document()
    word.title(doc, "一次性告知单", 20)
    word.centred(doc, item.name, 14)
    word.facts(
        doc,
        [
            ("事项编码", item.code),
            ("实施主体", organisation),
            ("办件类型", "即办件" if item.instant else "承诺件"),
            ("法定办结时限", days_text(item.legal_days)),
            ("承诺办结时限", days_text(item.promised_days)),
            ("到现场次数", "—" if item.visits is None else f"{item.visits} 次"),
            ("办理地点", item.place or "—"),
            ("办理时间", item.hours or "—"),
            ("咨询电话", item.consult_phone or "—"),
            ("投诉电话", item.complaint_phone or "—"),
        ],
    )
    word.heading(doc, "一、申请材料")
    if item.materials:
        word.grid(
            doc,
            ["序号", "材料名称", "材料形式", "份数", "要求", "来源"],
            [
                [str(k), m.name, m.form, str(m.count), m.need, m.source or "申请人自备"]
                for k, m in enumerate(item.materials, start=1)
            ],
        )
        if any(m.need == "容缺后补" for m in item.materials):
            word.text(doc, "标注“容缺后补”的材料可先行受理，请在承诺时限内补齐。", 10.5)
    else:
        word.text(doc, "无需提交材料。")
    word.heading(doc, "二、受理条件")
    word.text(doc, item.conditions or "符合法律法规规定的条件。")
    word.heading(doc, "三、收费")
    if item.fees:
        for fee in item.fees:
            word.text(doc, f"{fee.name}：{fee.amount}（依据：{fee.basis or '—'}）")
    else:
        word.text(doc, "不收费。")
    if item.steps:
        word.heading(doc, "四、办理流程")
        word.text(doc, item.steps)
    if item.visits:
        word.text(doc, f"需到现场 {item.visits} 次：{item.visit_reason or '—'}", 10.5)
    word.text(
        doc,
        "以上为办理本事项所需的全部材料和要求，窗口不得要求提供清单以外的材料。"
        "扫描下方二维码可查看网上办事指南。",
        10.5,
    )
    word.picture(doc, qr_png(url), 3.5)
    word.centred(doc, url, 9)
    word.signed(doc, f"告知日期：{chinese_date(today)}")
    return word.to_bytes(doc)
