"""Integrity checks on a poll's fieldwork, each judged by how unlikely it is without fabrication.

- ``interviewer``: an interviewer whose respondents answer far more (or less) favourably than
  other interviewers' respondents *in the same regions*. The unit is the respondent (one
  person's answers go together), each compared with the mean of the other interviewers'
  respondents in their region, so a happier county does not make its interviewers suspect.
  Two-sided normal test, Bonferroni over the interviewers.
- ``durations``: an interviewer whose interviews are far shorter than the others' in the same
  regions (log durations; invented interviews are quick). One-sided, Bonferroni.
- ``copied_answers``: one answer sequence given by several of an interviewer's respondents, far
  beyond that interviewer's share of everyone who gave it (copy-paste). A common sequence —
  everything "1" but one item — turns up for every interviewer in proportion and is not counted.
- ``jump``: a region whose score rose beyond sampling error (Bonferroni over the regions) is a
  finding *only* when something else points at its fieldwork: a flagged interviewer did a good
  part of its interviews, one interviewer did most of them where regions usually share theirs,
  or its rise is far beyond its neighbours' (a rise shared by the whole city is an improvement).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from minsheng.core.integrity.findings import ALPHA, Finding
from minsheng.core.integrity.stats import concentrated

MIN_INTERVIEWS = 30
MIN_ITEMS = 8
FLAGGED_SHARE = 0.2  # a flagged interviewer doing this share of a region's interviews
CONCENTRATION = 0.6  # one interviewer doing this share of a region's interviews …
USUAL_GAP = 0.3  # … that far above the usual region's top share
NEIGHBOURS_Z = 3.5
# Honest interviewers differ a little, and with hundreds of interviews that shows: a finding
# also needs a difference that matters.
SCORE_GAP = 5.0  # points of 100, against the same regions' other interviewers
SHORT = 0.75  # median length, as a share of the other interviewers'


@dataclass(frozen=True, slots=True)
class Change:
    """A region's change of score since the previous round, from the results."""

    code: str
    name: str
    difference: float
    z: float
    p: float


def _scores(frame: pl.DataFrame, items: Sequence[str]) -> pl.DataFrame:
    """Each respondent's mean answer on a 0–100 scale (code 1 → 100 … 5 → 0), over the items
    answered with a code from 1 to 5."""
    points = [
        pl.when(pl.col(c).is_in(["1", "2", "3", "4", "5"]))
        .then((5 - pl.col(c).cast(pl.Int32, strict=False)) * 25.0)
        .otherwise(None)
        for c in items
    ]
    return frame.with_columns(points=pl.mean_horizontal(points))


def _against_region(frame: pl.DataFrame, value: str) -> pl.DataFrame:
    """Per interviewer: the mean of (value − mean of the other interviewers' respondents in the
    same region), and its standard error from the regions' spreads."""
    rows = frame.filter(pl.col(value).is_not_null() & (pl.col("interviewer") != ""))
    cell = rows.group_by("region", "interviewer").agg(n=pl.len(), total=pl.col(value).sum())
    region = rows.group_by("region").agg(
        rn=pl.len(), rtotal=pl.col(value).sum(), var=pl.col(value).var()
    )
    cell = cell.join(region, on="region").with_columns(
        others=pl.col("rn") - pl.col("n"),
    )
    cell = cell.with_columns(
        expected=pl.when(pl.col("others") > 0).then(
            (pl.col("rtotal") - pl.col("total")) / pl.col("others")
        ),
    ).filter(pl.col("expected").is_not_null() & pl.col("var").is_not_null())
    per = cell.group_by("interviewer").agg(
        n=pl.col("n").sum(),
        excess=(pl.col("total") - pl.col("n") * pl.col("expected")).sum(),
        variance=(pl.col("n") * pl.col("var") * (1 + pl.col("n") / pl.col("others"))).sum(),
        own=pl.col("total").sum(),
        base=(pl.col("n") * pl.col("expected")).sum(),
    )
    return per.filter(pl.col("n") >= MIN_INTERVIEWS).with_columns(
        z=pl.col("excess") / pl.col("variance").sqrt(),
        mean=pl.col("own") / pl.col("n"),
        others=pl.col("base") / pl.col("n"),
    )


def interviewer_findings(frame: pl.DataFrame, items: Sequence[str]) -> list[Finding]:
    """``frame``: respondent_id, region, interviewer, duration and the ``items`` answer codes."""
    found: list[Finding] = []
    per = _against_region(_scores(frame, items), "points").filter(pl.col("variance") > 0)
    m = len(per)
    for who, n, z, mean, others in per.select(
        "interviewer", "n", "z", "mean", "others"
    ).iter_rows():
        p = min(1.0, 2 * float(stats.norm.sf(abs(z))) * m)
        if p < ALPHA and abs(mean - others) >= SCORE_GAP:
            found.append(
                Finding(
                    "interviewer",
                    who,
                    f"interviewer:{who}",
                    p,
                    f"访员 {who}（{n} 份）的受访者平均打分 {mean:.1f}，同地区其他访员 {others:.1f}",
                    {
                        "interviewer": who,
                        "n": int(n),
                        "own": round(mean, 2),
                        "others": round(others, 2),
                        "z": round(z, 2),
                    },
                )
            )
    timed = frame.filter(pl.col("duration") > 0).with_columns(log=pl.col("duration").log())
    per = _against_region(timed, "log").filter(pl.col("variance") > 0)
    m = len(per)
    for who, n, z, mean, others in per.select(
        "interviewer", "n", "z", "mean", "others"
    ).iter_rows():
        p = min(1.0, float(stats.norm.cdf(z)) * m)
        if p < ALPHA and math.exp(mean - others) <= SHORT:
            found.append(
                Finding(
                    "durations",
                    who,
                    f"interviewer:{who}",
                    p,
                    f"访员 {who}（{n} 份）的访问时长中位约 {math.exp(mean):.0f} 秒，"
                    f"同地区其他访员约 {math.exp(others):.0f} 秒",
                    {
                        "interviewer": who,
                        "n": int(n),
                        "own": round(math.exp(mean), 1),
                        "others": round(math.exp(others), 1),
                        "z": round(z, 2),
                    },
                )
            )
    return found


def copied_answers(
    frame: pl.DataFrame, items: Sequence[str], *, min_repeat: int = 3
) -> list[Finding]:
    """Sequences of at least ``MIN_ITEMS`` answers, not all one code, repeated at one
    interviewer (or among the online answers) beyond that interviewer's share of them."""
    if len(items) < MIN_ITEMS:
        return []
    rows = frame.with_columns(
        seq=pl.concat_str([pl.col(c).fill_null("") for c in items], separator="|"),
        who=pl.when(pl.col("interviewer") == "").then(pl.lit("online")).otherwise("interviewer"),
        distinct=pl.concat_list([pl.col(c).fill_null("") for c in items]).list.n_unique(),
    ).filter(pl.col("distinct") > 1)
    if rows.is_empty():
        return []
    share = rows.group_by("who").agg(s=pl.len() / len(rows))
    counts = rows.group_by("who", "seq").agg(x=pl.len(), ids=pl.col("respondent_id").head(20))
    counts = counts.join(rows.group_by("seq").agg(total=pl.len()), on="seq").join(share, on="who")
    tested = counts.group_by("who").agg(m=pl.len())
    counts = counts.join(tested, on="who").filter(
        (pl.col("x") >= min_repeat) & (pl.col("x") >= 3 * pl.col("total") * pl.col("s"))
    )
    best: dict[str, Finding] = {}
    for who, seq, x, ids, total, s, m in counts.iter_rows():
        p = min(1.0, concentrated(int(x), int(total), float(s)) * int(m))
        if p < ALPHA and (who not in best or p < best[who].p):
            text = "".join(seq.split("|"))
            best[who] = Finding(
                "copied_answers",
                who,
                f"interviewer:{who}",
                p,
                f"访员 {who} 的 {x} 份问卷答案序列完全相同（{text}），全部样本中共 {total} 份",
                {
                    "interviewer": who,
                    "count": int(x),
                    "total": int(total),
                    "answers": text,
                    "respondents": [str(i) for i in ids],
                },
            )
    return [best[k] for k in sorted(best)]


def jump_findings(
    changes: Sequence[Change],
    interviews: Mapping[str, Mapping[str, int]],
    flagged: Sequence[Finding],
    *,
    alpha: float = 0.05,
) -> list[Finding]:
    """``changes``: every region's change at the results' level; ``interviews``: per region,
    interviews per interviewer; ``flagged``: the interviewer findings of this round."""
    if not changes:
        return []
    screen = alpha / len(changes)
    suspects = {str(f.unit) for f in flagged}
    tops = [max(c.values()) / sum(c.values()) for c in interviews.values() if sum(c.values()) > 0]
    usual_top = float(np.median(tops)) if tops else 1.0
    differences = {c.code: c.difference for c in changes}
    found = []
    for c in changes:
        if c.p >= screen or c.difference <= 0:
            continue
        reasons: list[str] = []
        evidence: dict[str, object] = {
            "name": c.name,
            "difference": round(c.difference, 3),
            "z": round(c.z, 2),
            "p": c.p,
        }
        done = interviews.get(c.code, {})
        total = sum(done.values())
        for who, k in sorted(done.items(), key=lambda kv: -kv[1]):
            if who in suspects and total and k / total >= FLAGGED_SHARE:
                reasons.append(f"存在异常线索的访员 {who} 完成了该地区 {k / total:.0%} 的访问")
                shares = evidence.setdefault("interviewers", [])
                shares.append([who, round(k / total, 3)])  # type: ignore[attr-defined]
        if total:
            who, k = max(done.items(), key=lambda kv: kv[1])
            if k / total >= CONCENTRATION and k / total >= usual_top + USUAL_GAP:
                reasons.append(
                    f"访员 {who} 一人完成了 {k / total:.0%} 的访问（各地区通常 {usual_top:.0%}）"
                )
                evidence["concentration"] = [who, round(k / total, 3), round(usual_top, 3)]
        others = [d for code, d in differences.items() if code != c.code]
        se = abs(c.difference / c.z) if c.z else 0.0
        if len(others) >= 3 and se > 0:
            typical = float(np.median(others))
            z_rel = (c.difference - typical) / se
            if z_rel > NEIGHBOURS_Z:
                reasons.append(f"升幅远超其他地区（其他地区升幅中位 {typical:+.2f}）")
                evidence["neighbours"] = [round(typical, 3), round(z_rel, 2)]
        if reasons:
            evidence["reasons"] = reasons
            found.append(
                Finding(
                    "jump",
                    c.code,
                    "",
                    c.p * len(changes),
                    f"{c.name}得分较上轮上升 {c.difference:.2f}（z = {c.z:.1f}），且"
                    + "；".join(reasons),
                    evidence,
                )
            )
    return found
