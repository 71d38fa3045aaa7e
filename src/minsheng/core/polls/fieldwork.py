"""The respondent file a polling vendor delivers (CSV in UTF-8, UTF-8 with BOM or GBK, or xlsx),
read through a column mapping and checked row by row:

- answer codes outside the item's scale; an unknown or out-of-poll region;
- duplicate respondents, found by a salted hash of the phone number (the number itself is never
  kept): within the file and against those already stored;
- interviews shorter than the minimum duration;
- straight-lining: every item answered with the same code in a short interview (under twice the
  minimum) — a flat pattern alone is common among contented respondents and is not refused.

Every problem is reported with its row and column; the caller imports nothing unless there are
none (all or nothing).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from minsheng.core.polls.scales import DONT_KNOW_CODES, SCALES, Scale, normal_code
from minsheng.core.tabular import Cell, CellError, Table, cell_float, cell_text

STANDARD = ("respondent_id", "region", "stratum", "phone", "interviewer", "duration", "weight")
MIN_STRAIGHT_ITEMS = 5


@dataclass(frozen=True, slots=True)
class ItemSpec:
    code: str
    scale: Scale


@dataclass(frozen=True, slots=True)
class Respondent:
    row: int
    respondent_id: str
    region: str
    stratum: str
    phone_hash: str
    interviewer: str
    duration: float | None
    weight: float | None
    answers: dict[str, str]  # item code -> answer code ("" when skipped)
    attributes: dict[str, str] = field(default_factory=dict)  # for weighting: age group, sex …


def phone_hash(phone: str, salt: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return hmac.new(salt.encode(), digits.encode(), hashlib.sha256).hexdigest()


# Longest text per column (the database columns' sizes; a test keeps them equal).
LIMITS = {"respondent_id": 64, "stratum": 50, "interviewer": 50}
MAX_DURATION = 86_400.0  # a day: longer is a typing error, not an interview
# A design weight is respondents represented; 10^7 is more than any city's adults.
MAX_WEIGHT = 1e7


def read_respondents(
    table: Table,
    *,
    items: Sequence[ItemSpec],
    mapping: Mapping[str, str],
    region_ok: Callable[[str], bool],
    salt: str,
    known_hashes: frozenset[str] = frozenset(),
    min_duration: float = 120.0,
    attributes: Sequence[str] = (),
) -> tuple[list[Respondent], list[CellError]]:
    """``mapping``: our field or item code -> the vendor's column header (missing entries mean
    the same name)."""
    keys = (*STANDARD, *(i.code for i in items), *attributes)
    column = {key: mapping.get(key, key) for key in keys}
    required = ["respondent_id", "region", "phone", *(i.code for i in items), *attributes]
    missing = [column[k] for k in required if column[k] not in table.headers]
    if missing:
        return [], [table.error(table.header_row, m, f"缺少列 {m}") for m in missing]
    errors: list[CellError] = []
    out: list[Respondent] = []
    seen_ids: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    for row in table.rows:
        values = row.values
        problems: list[CellError] = []

        def text(key: str, values: Mapping[str, Cell] = values) -> str:
            return cell_text(values.get(column[key]))

        def bad(
            key: str, message: str, number: int = row.number, problems: list[CellError] = problems
        ) -> None:
            problems.append(table.error(number, column[key], message))

        for key, limit in LIMITS.items():
            if len(text(key)) > limit:
                bad(key, f"不能超过 {limit} 个字符")
        rid = text("respondent_id")
        if not rid:
            bad("respondent_id", "不能为空")
        elif rid in seen_ids:
            bad("respondent_id", f"与第 {seen_ids[rid]} 行重复")
        seen_ids.setdefault(rid, row.number)
        region = text("region")
        if not region_ok(region):
            bad("region", f"未知或不属于本次测评的地区“{region}”")
        phone = text("phone")
        hashed = phone_hash(phone, salt) if phone else ""
        if len("".join(ch for ch in phone if ch.isdigit())) < 7:
            bad("phone", "电话号码不完整")
        elif hashed in known_hashes:
            bad("phone", "该号码已在本次测评中受访")
        elif hashed in seen_phones:
            bad(
                "phone",
                f"与第 {seen_phones[hashed]} 行为同一号码",
            )
        seen_phones.setdefault(hashed, row.number)
        # A duration the short-interview check depends on: text, a negative or an absurd
        # number is an error, never read as blank (which would skip the check).
        duration_raw = values.get(column["duration"])
        duration = cell_float(duration_raw) if cell_text(duration_raw) else None
        if column["duration"] in table.headers and cell_text(duration_raw):
            if duration is None or not 0 <= duration <= MAX_DURATION:
                bad(
                    "duration", f"访问时长“{cell_text(duration_raw)}”应为 0–{MAX_DURATION:g} 的秒数"
                )
                duration = None
            elif duration < min_duration:
                bad("duration", f"访问时长 {duration:g} 秒，低于 {min_duration:g} 秒")
        weight_raw = values.get(column["weight"])
        weight = cell_float(weight_raw) if cell_text(weight_raw) else None
        if cell_text(weight_raw) and (weight is None or not 0 < weight <= MAX_WEIGHT):
            bad("weight", f"权重须为不超过 {MAX_WEIGHT:g} 的正数")
        answers: dict[str, str] = {}
        for item in items:
            code = normal_code(text(item.code))
            labels = SCALES[item.scale].labels
            if code and code not in labels:
                bad(
                    item.code,
                    f"答案代码 {code} 不在量表中（{'、'.join(labels)}）",
                )
            answers[item.code] = code
        scored = [c for c in answers.values() if c and c not in DONT_KNOW_CODES]
        flat = (
            len(items) >= MIN_STRAIGHT_ITEMS and len(scored) == len(items) and len(set(scored)) == 1
        )
        if flat and duration is not None and duration < 2 * min_duration:
            bad("duration", "全部题目同一答案且访问过快（疑似直线作答）")
        if problems:
            errors.extend(problems)
            continue
        out.append(
            Respondent(
                row.number,
                rid,
                region,
                text("stratum"),
                hashed,
                text("interviewer"),
                duration,
                weight,
                answers,
                {a: text(a) for a in attributes},
            )
        )
    return out, errors
