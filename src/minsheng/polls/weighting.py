"""Weighting a poll (a service): raking (or post-stratifying) the respondents to the population
margins the user uploads — e.g. age group × sex × urban/rural from the census — optionally
trimming extreme weights and raking again, then storing the weights with their diagnostics.
The computation is ``core.survey`` (checked against R's ``rake``, ``postStratify`` and
``trimWeights``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
from django.db import transaction

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.survey.calibrate import Method, calibrate_trimmed, read_margins
from minsheng.core.survey.design import DesignError, build_design
from minsheng.core.survey.frame import Frame
from minsheng.core.survey.weights import WeightSummary, summary
from minsheng.core.tabular import CellError, Table, TableError, cell_float, cell_text
from minsheng.polls.models import Poll, Respondent
from minsheng.polls.store import refresh_on_commit

MARGIN_COLUMNS = ("variable", "category", "count")


MAX_POPULATION = 1e10  # more people than any margin describes; beyond is a typing error


def read_margin_table(table: Table) -> dict[str, dict[str, float]]:
    """Rows ``variable,category,count`` → {variable: {category: count}}; every error located."""
    missing = [c for c in MARGIN_COLUMNS if c not in table.headers]
    if missing:
        raise TableError([table.error(table.header_row, c, f"缺少列 {c}") for c in missing])
    margins: dict[str, dict[str, float]] = {}
    errors: list[CellError] = []
    for row in table.rows:
        variable = cell_text(row.values.get("variable"))
        category = cell_text(row.values.get("category"))
        count = cell_float(row.values.get("count"))
        if not variable or not category:
            errors.append(table.error(row.number, "variable", "变量与类别不能为空"))
        if count is None or not (count == 0 or 1 <= count <= MAX_POPULATION):
            errors.append(
                table.error(
                    row.number, "count", f"总体数须为 0 或 1 至 {MAX_POPULATION:.0e} 的人数"
                )
            )
            count = None
        if variable and category and count is not None:
            if category in margins.setdefault(variable, {}):
                errors.append(table.error(row.number, "category", f"{variable}={category} 重复"))
            margins[variable][category] = count
    if errors:
        raise TableError(errors)
    return margins


def margins_check(poll: Poll, table: Table, *, method: str = "rake") -> dict[str, dict[str, float]]:
    """The margins of ``table``, checked against the poll's respondents before any weight is
    touched: every variable, category and count that does not fit the sample is reported at its
    row and column of the margin file, in words a user can act on."""
    margins = read_margin_table(table)
    first: dict[tuple[str, str], int] = {}
    for row in table.rows:
        variable, category = (
            cell_text(row.values.get("variable")),
            cell_text(row.values.get("category")),
        )
        first.setdefault((variable, ""), row.number)
        first.setdefault((variable, category), row.number)
    seen: dict[str, dict[str, int]] = {v: {} for v in margins}
    blank: dict[str, list[str]] = {v: [] for v in margins}
    for rid, attrs in Respondent.objects.filter(poll=poll).values_list(
        "respondent_id", "attributes"
    ):
        for variable in margins:
            value = attrs.get(variable)
            if value is None or str(value).strip() == "":
                blank[variable].append(rid)
            else:
                counts = seen[variable]
                counts[str(value)] = counts.get(str(value), 0) + 1
    errors: list[CellError] = []
    if method == "poststratify" and len(margins) > 1:
        errors.append(
            table.error(
                first[(list(margins)[1], "")],
                "variable",
                "事后分层只能用一个变量；多个变量请选“迭代比例拟合（raking）”",
            )
        )
    for variable, population in margins.items():
        here = first[(variable, "")]
        if not seen[variable]:  # no respondent has a value: not a variable of this poll's data
            errors.append(table.error(here, "variable", f"受访者数据中没有变量“{variable}”"))
            continue
        if blank[variable]:
            errors.append(
                table.error(
                    here,
                    "variable",
                    f"{len(blank[variable])} 名受访者没有“{variable}”的值"
                    f"（如受访者 {blank[variable][0]}）",
                )
            )
        for category, n in sorted(seen[variable].items()):
            if category not in population:
                errors.append(
                    table.error(
                        here,
                        "category",
                        f"样本中有“{variable}”为“{category}”的受访者 {n} 名，"
                        "总体边际中没有这一类别",
                    )
                )
            elif population[category] == 0:
                errors.append(
                    table.error(
                        first[(variable, category)], "count", f"总体数为 0，但样本中有 {n} 名受访者"
                    )
                )
        for category, count in population.items():
            if count > 0 and category not in seen[variable]:
                errors.append(
                    table.error(
                        first[(variable, category)],
                        "category",
                        "有总体数，但样本中没有这一类别的受访者",
                    )
                )
    if errors:
        raise TableError(errors)
    return margins


@transaction.atomic
def weights_compute(
    poll: Poll,
    margins: Mapping[str, Mapping[str, float]],
    *,
    method: Method = "rake",
    trim_ratio: float | None = None,
    actor: Any,
) -> tuple[WeightSummary, WeightSummary]:
    """Calibrate every respondent's design weight (``base_weight``) to ``margins``; with
    ``trim_ratio`` cap weights at that multiple of the median and calibrate again. The
    calibration is kept on the poll so the results carry its variance. Returns the summaries
    of the current and the new weights. Raises ``DesignError`` (one clear message) when the
    margins do not fit the data."""
    before = summary(
        np.fromiter(
            Respondent.objects.filter(poll=poll).values_list("weight", flat=True), dtype=np.float64
        )
    )
    rows = list(Respondent.objects.filter(poll=poll).values_list("pk", "base_weight", "attributes"))
    if not rows:
        raise DesignError("本测评还没有受访者 / the poll has no respondents yet")
    columns: dict[str, Any] = {"w": np.array([w for _, w, _ in rows], dtype=np.float64)}
    for variable in margins:
        columns[variable] = np.array([attrs.get(variable) for _, _, attrs in rows], dtype=object)
    frame = Frame.from_arrays(columns)
    design, _ = calibrate_trimmed(
        build_design(frame, weights="w"), read_margins(frame, margins), method, trim_ratio
    )
    if not np.isfinite(design.weights).all() or (design.weights < 0).any():
        raise DesignError(
            "校准后的权重无效（数值溢出）；请检查总体数 / calibrated weights are not finite"
        )
    after = summary(design.weights)
    updates = [
        Respondent(pk=pk, weight=float(w))
        for (pk, _, _), w in zip(rows, design.weights, strict=True)
    ]
    Respondent.objects.bulk_update(updates, ["weight"], batch_size=2000)
    refresh_on_commit(poll)
    poll.calibration = {
        "method": method,
        # A list, not an object: raking order matters and jsonb does not keep key order.
        "margins": [[name, dict(counts)] for name, counts in margins.items()],
        "trim": trim_ratio,
    }
    poll.save(update_fields=["calibration"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=poll,
        note=f"weights {method} to {sorted(margins)}, trim {trim_ratio}: {asdict(after)}",
        region_code=poll.region.code,
    )
    return before, after
