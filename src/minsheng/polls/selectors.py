"""Reads of the polls capability besides the results (``polls.results``): fieldwork flags,
recent uploads, the saved sampling plan with each cell's weights, weight diagnostics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from minsheng.core.polls.integrity import (
    InterviewerFlag,
    RepeatFlag,
    interviewer_flags,
    repeated_sequences,
)
from minsheng.core.survey.weights import StratumWeight, WeightSummary, design_weights, summary
from minsheng.jobs.models import JobRun
from minsheng.polls.memo import kept
from minsheng.polls.models import PlanCell, Poll, Respondent


@dataclass(frozen=True, slots=True)
class CellWeight:
    cell: PlanCell
    weight: StratumWeight


@dataclass(frozen=True, slots=True)
class FieldworkFlags:
    interviewers: list[InterviewerFlag]
    repeats: list[RepeatFlag]


def fieldwork_flags(poll: Poll) -> FieldworkFlags:
    """Interviewers who stand out and copied answer sequences (kept until the data change)."""
    return kept(poll, "flags", lambda: _fieldwork_flags(poll))


def _fieldwork_flags(poll: Poll) -> FieldworkFlags:
    codes = list(poll.questionnaire.items.values_list("code", flat=True))
    rows = list(
        Respondent.objects.filter(poll=poll).values_list("respondent_id", "interviewer", "answers")
    )
    sequences = [[answers.get(c, "") for c in codes] for _, _, answers in rows]
    return FieldworkFlags(
        interviewer_flags([(who, seq) for (_, who, _), seq in zip(rows, sequences, strict=True)]),
        repeated_sequences([(rid, seq) for (rid, _, _), seq in zip(rows, sequences, strict=True)]),
    )


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
