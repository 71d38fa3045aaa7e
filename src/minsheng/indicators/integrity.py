"""The integrity checks on reported indicators (``core.integrity.indicators``): a period's
figures of every region in the scope, read with their history, each level's regions judged
together (counties with counties, townships with townships), and the findings kept for the
quality office to review (``IntegrityFlag``, domain "indicators")."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db import transaction

from minsheng.core.index.periods import Period
from minsheng.core.integrity.findings import Finding
from minsheng.core.integrity.indicators import IndicatorInfo, Reports, find
from minsheng.indicators.models import Indicator, SubmissionState, Value
from minsheng.indicators.selectors import targets_for
from minsheng.orgs.models import Organisation, Region
from minsheng.reviews.models import FindingDomain, IntegrityFlag
from minsheng.reviews.services.integrity import keep_findings

HISTORY = 8  # periods read, the checked one last
SHARE_UNITS = ("%", "‰", "％")


def _reports(period: Period, scope: Region) -> list[Reports]:
    rows = list(
        Value.objects.filter(
            submission__state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED],
            value__isnull=False,
            **scope.subtree_filter("region__"),
        )
        .exclude(region=scope)
        .values_list(
            "region_id",
            "region__level",
            "indicator_id",
            "submission__period",
            "value",
            "submission__organisation__name",
        )
    )
    annual = period.quarter == 0
    parsed = {text: Period.parse(text) for text in {row[3] for row in rows}}
    periods = sorted(p for p in parsed.values() if (p.quarter == 0) == annual and p <= period)[
        -HISTORY:
    ]
    if period not in periods:
        return []
    t_of = {p: k for k, p in enumerate(periods)}
    indicators = {i.pk: i for i in Indicator.objects.filter(is_active=True)}
    by_level: dict[int, list[tuple[int, int, int, float, str]]] = defaultdict(list)
    for region, level, ind, text, value, reporter in rows:
        p = parsed[text]
        if p in t_of and ind in indicators:
            by_level[level].append((region, ind, t_of[p], float(value or 0.0), reporter))
    out = []
    for cells in by_level.values():
        regions = sorted({c[0] for c in cells})
        used = sorted({c[1] for c in cells})
        r_of = {r: k for k, r in enumerate(regions)}
        i_of = {i: k for k, i in enumerate(used)}
        values = np.full((len(regions), len(used), len(periods)), np.nan)
        reporters = np.full((len(regions), len(used)), "", dtype=object)
        for region, ind, t, value, reporter in cells:
            values[r_of[region], i_of[ind], t] = value
            if t == len(periods) - 1:
                reporters[r_of[region], i_of[ind]] = reporter
        targets = np.full((len(regions), len(used)), np.nan)
        chosen = [indicators[i] for i in used]
        # The targets set for the regions' cities and province (the most specific one).
        above = Region.objects.filter(pk__in=regions).values_list("province_id", "city_id")
        anchors = sorted({r for pair in above for r in pair if r} | set(scope.lineage_ids()))
        for pk, (value, year) in targets_for(chosen, anchors, period).items():
            if year == period.year:
                targets[:, i_of[pk]] = value
        code_of = {indicators[i].code: k for i, k in i_of.items()}
        infos = [
            IndicatorInfo(i.code, i.name, i.decimals, i.polarity, i.unit in SHARE_UNITS)
            for i in chosen
        ]
        parts = {
            i_of[i.pk]: (code_of[i.numerator], code_of[i.denominator])
            for i in chosen
            if i.numerator in code_of and i.denominator in code_of
        }
        codes = dict(Region.objects.filter(pk__in=regions).values_list("pk", "code"))
        out.append(Reports([codes[r] for r in regions], infos, values, targets, parts, reporters))
    return out


def find_period(period: str, scope: Region) -> list[Finding]:
    found: list[Finding] = []
    for reports in _reports(Period.parse(period), scope):
        found += find(reports)
    return sorted(found, key=lambda f: (f.p, str(f.unit), f.kind))


@transaction.atomic
def detect_period(period: str, scope: Region) -> list[Finding]:
    """Run the checks on the period's figures in ``scope`` and keep the findings; a finding
    already reviewed keeps its decision."""
    findings = find_period(period, scope)
    units = {str(f.unit) for f in findings}
    regions = {r.code: r for r in Region.objects.filter(code__in=units)}
    reporters = {
        o.name: o.region
        for o in Organisation.objects.filter(name__in=units, **scope.subtree_filter("region__"))
    }
    keep_findings(
        findings,
        domain=FindingDomain.INDICATORS,
        source=f"period:{period}",
        period=period,
        earlier=IntegrityFlag.objects.filter(
            domain=FindingDomain.INDICATORS,
            source=f"period:{period}",
            **scope.subtree_filter("region__"),
        ),
        region_of=lambda f: (reporters if f.subject == "reporter" else regions).get(
            str(f.unit), scope
        ),
    )
    return findings
