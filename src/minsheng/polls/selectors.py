"""Reads of the polls capability besides the results (``polls.results``) and the integrity
checks (``polls.integrity``): recent uploads, the saved sampling plan with each cell's weights,
weight diagnostics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from minsheng.core.survey.weights import StratumWeight, WeightSummary, design_weights, summary
from minsheng.jobs.models import JobRun
from minsheng.polls.models import PlanCell, Poll, Respondent


@dataclass(frozen=True, slots=True)
class CellWeight:
    cell: PlanCell
    weight: StratumWeight


def recent_uploads(poll: Poll, limit: int = 10) -> list[JobRun]:
    """The poll's latest fieldwork upload jobs, newest first."""
    return list(
        JobRun.objects.filter(kind="polls.fieldwork", title__startswith=str(poll)).order_by(
            "-created_at"
        )[:limit]
    )


def plan_cells(poll: Poll) -> list[CellWeight]:
    """The saved plan with each cell's current response (for the weighting page)."""
    cells = list(PlanCell.objects.filter(poll=poll).select_related("region"))
    responded = Counter(
        Respondent.objects.filter(poll=poll, cell__isnull=False).values_list("cell_id", flat=True)
    )
    out = []
    for c in cells:
        issued = float(c.issued if c.issued is not None else c.quota)
        try:
            weight = design_weights({0: c.frame}, {0: issued}, {0: responded[c.pk]})[0]
        except ValueError:
            weight = StratumWeight(c.frame, issued, responded[c.pk], 0.0, None, None)
        out.append(CellWeight(c, weight))
    return out


def weight_summary(poll: Poll) -> WeightSummary:
    """Diagnostics of the respondents' current weights (Kish deff, effective n, range)."""
    weights = Respondent.objects.filter(poll=poll).values_list("weight", flat=True)
    return summary(np.fromiter(weights, dtype=np.float64))
