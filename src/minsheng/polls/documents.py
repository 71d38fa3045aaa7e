"""A poll round's results as Excel sheets: the page's export and ``minsheng polls results``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from minsheng.core.xlsx import Sheet
from minsheng.polls.results import PollResults


def results_sheets(results: PollResults) -> list[Sheet]:
    regions = Sheet(
        _("地区得分"),
        [
            _("排名"),
            _("名次区间"),
            _("地区"),
            _("样本量"),
            _("得分"),
            _("标准误"),
            _("95%下限"),
            _("95%上限"),
            _("满意率"),
            _("上轮得分"),
            _("变化"),
            _("变化显著"),
        ],
        [
            [
                r.rank.rank if r.rank.ranked else _("样本不足"),
                f"{r.rank.low}–{r.rank.high}" if r.rank.low is not None else "",
                r.name,
                r.n,
                r.score,
                r.se,
                r.ci_low,
                r.ci_high,
                r.satisfied,
                r.previous_score,
                r.change.difference if r.change else None,
                (_("是") if r.change.significant else _("否")) if r.change else "",
            ]
            for r in results.rows
        ],
    )
    items = Sheet(
        _("题目"),
        [
            _("题号"),
            _("题目"),
            _("领域"),
            _("被评部门"),
            _("得分"),
            _("标准误"),
            _("95%下限"),
            _("95%上限"),
            _("重要性"),
            _("象限"),
        ],
        [
            [
                i.code,
                i.text,
                i.domain,
                i.department,
                i.score,
                i.se,
                i.ci_low,
                i.ci_high,
                i.importance,
                str(QUADRANT_LABELS.get(i.quadrant or "", _("差异不显著"))),
            ]
            for i in results.items
        ],
    )
    fields = Sheet(
        _("领域得分"),
        [_("领域"), _("题数"), _("得分"), _("标准误"), _("95%下限"), _("95%上限")],
        [[f.name, f.items, f.score, f.se, f.ci_low, f.ci_high] for f in results.fields],
    )
    return [regions, fields, items]


QUADRANT_LABELS = {
    "improve": _lazy("优先改进"),
    "keep": _lazy("继续保持"),
    "overkill": _lazy("可适度投入"),
    "low": _lazy("次要改进"),
}
