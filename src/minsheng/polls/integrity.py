"""The integrity checks on a poll round's fieldwork (``core.integrity.polls``), read from the
round's columnar snapshot, and kept as findings for the quality office to review (the same
``IntegrityFlag`` records as the ratings' findings, domain "polls")."""

from __future__ import annotations

from collections import Counter

import polars as pl
from django.db import transaction

from minsheng.core.analytics.polls import ANSWER
from minsheng.core.integrity.findings import Finding
from minsheng.core.integrity.polls import (
    Change,
    copied_answers,
    interviewer_findings,
    jump_findings,
)
from minsheng.orgs.models import Region
from minsheng.polls.memo import kept
from minsheng.polls.models import Poll
from minsheng.polls.results import PollResults, poll_results
from minsheng.polls.store import respondent_columns
from minsheng.reviews.models import FindingDomain, IntegrityFlag
from minsheng.reviews.services.integrity import keep_findings

LEVELS = ("county", "township")


def _frame(poll: Poll) -> tuple[pl.DataFrame, list[str]]:
    frame = respondent_columns(poll)
    items = [c for c in frame.columns if c.startswith(ANSWER)]
    return frame.with_columns(
        pl.col(items).cast(pl.String),  # the checks compare answer codes as text
        region=pl.col("region_code"),
        interviewer=pl.col("interviewer").fill_null(""),
        respondent_id=pl.col("respondent_id").fill_null(""),
    ), items


def _fieldwork(poll: Poll) -> tuple[list[Finding], dict[str, dict[str, Counter[str]]]]:
    """The interviewer findings, and the interviews per interviewer in each region by level."""
    frame, items = _frame(poll)
    found = interviewer_findings(frame, items) + copied_answers(frame, items)
    interviews: dict[str, dict[str, Counter[str]]] = {level: {} for level in LEVELS}
    counts = frame.group_by("county_code", "region_code", "interviewer").len()
    for county, region, who, n in counts.iter_rows():
        for level, code in (("county", county), ("township", region)):
            if code:
                interviews[level].setdefault(code, Counter())[who or "online"] += n
    return found, interviews


def poll_findings(poll: Poll, results: PollResults | None = None) -> list[Finding]:
    """The round's findings: interviewers, copied answers, and the regions of ``results``
    (default: by county) whose rise something in the fieldwork points at. Kept until the data
    change."""
    found, interviews = kept(poll, "integrity", lambda: _fieldwork(poll))
    results = results if results is not None else poll_results(poll, "county")
    level = results.level if results.level in LEVELS else "county"
    changes = [
        Change(r.code, r.name, r.change.difference, r.change.z, r.change.p)
        for r in results.rows
        if r.change is not None
    ]
    return found + jump_findings(changes, interviews[level], found)


@transaction.atomic
def detect_poll(poll: Poll, results: PollResults | None = None) -> list[Finding]:
    """Run the checks and keep the findings: a finding already reviewed keeps its decision; an
    open one no longer found goes (the jumps of other levels than ``results``' are left)."""
    results = results if results is not None else poll_results(poll, "county")
    findings = poll_findings(poll, results)
    level = f"level:{results.level}"
    regions = {r.code: r for r in Region.objects.filter(code__in={str(f.unit) for f in findings})}
    keep_findings(
        findings,
        domain=FindingDomain.POLLS,
        source=f"poll:{poll.pk}",
        period=poll.round,
        earlier=IntegrityFlag.objects.filter(
            domain=FindingDomain.POLLS, source=f"poll:{poll.pk}"
        ).exclude(kind="jump", subject__in=[f"level:{x}" for x in LEVELS if x != results.level]),
        region_of=lambda f: (
            regions.get(str(f.unit), poll.region) if f.kind == "jump" else poll.region
        ),
        subject_of=lambda f: level if f.kind == "jump" else f.subject,
    )
    return findings
