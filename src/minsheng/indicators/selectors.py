"""Reading indicator data: peer groups a user may rank within, and the ``core.index`` panel of
approved values for a set of regions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.access import peer_groups_visible
from minsheng.core.index import alerts, engine, uncertainty
from minsheng.core.index.collection import Rule
from minsheng.core.index.formulas import derive
from minsheng.core.index.model import Indicator as CoreIndicator
from minsheng.core.index.model import Panel, Policy
from minsheng.core.index.periods import Period
from minsheng.indicators.access import results_root
from minsheng.indicators.models import (
    Benchmark,
    BenchmarkKind,
    Category,
    Indicator,
    Submission,
    SubmissionState,
    Target,
    Value,
    WarningSettings,
)
from minsheng.orgs.models import Organisation, Region, RegionLevel


@dataclass(frozen=True, slots=True)
class PeerOption:
    key: str  # "counties:<code>", "townships:<code>" or "group:<key>"
    label: str


def peer_options(user: Any, *, departments: bool = False) -> list[PeerOption]:
    """The peer groups the user may rank within, the default first (``departments``: see
    ``access.results_root``)."""
    root = results_root(user, departments=departments)
    out: list[PeerOption] = []
    level = root.level
    if level == RegionLevel.PROVINCE:
        out.append(
            PeerOption(f"counties:{root.code}", _("%(name)s 全部区县") % {"name": root.name})
        )
        out.append(PeerOption(f"cities:{root.code}", _("%(name)s 各市") % {"name": root.name}))
        for city in Region.objects.filter(parent=root).order_by("code"):
            out.append(
                PeerOption(f"counties:{city.code}", _("%(name)s 各区县") % {"name": city.name})
            )
    elif level == RegionLevel.CITY:
        out.append(PeerOption(f"counties:{root.code}", _("%(name)s 各区县") % {"name": root.name}))
        if root.parent is not None:  # the city among the province's cities (imported figures)
            out.append(
                PeerOption(
                    f"cities:{root.parent.code}", _("%(name)s 各市") % {"name": root.parent.name}
                )
            )
        out.append(
            PeerOption(f"townships:{root.code}", _("%(name)s 全部乡镇") % {"name": root.name})
        )
        for county in Region.objects.filter(parent=root).order_by("code"):
            out.append(
                PeerOption(f"townships:{county.code}", _("%(name)s 各乡镇") % {"name": county.name})
            )
    elif level == RegionLevel.COUNTY and root.parent is not None:
        out.append(
            PeerOption(
                f"counties:{root.parent.code}", _("%(name)s 各区县") % {"name": root.parent.name}
            )
        )
        out.append(PeerOption(f"townships:{root.code}", _("%(name)s 各乡镇") % {"name": root.name}))
    elif level == RegionLevel.TOWNSHIP and root.parent is not None:
        out.append(
            PeerOption(
                f"townships:{root.parent.code}", _("%(name)s 各乡镇") % {"name": root.parent.name}
            )
        )
    for group in peer_groups_visible(user).order_by("name"):
        out.append(PeerOption(f"group:{group.key}", _("同组：%(name)s") % {"name": group.name}))
    return out


def peer_regions(
    user: Any, key: str | None, *, departments: bool = False
) -> tuple[PeerOption, list[Region]]:
    """The chosen peer group (the default when ``key`` is empty) and its regions; a key that is
    not among the user's options is refused."""
    options = peer_options(user, departments=departments)
    if not options:
        raise PermissionDenied("no peer group")
    chosen = next((o for o in options if o.key == key), None) if key else options[0]
    if chosen is None:
        raise PermissionDenied("peer group outside the user's scope")
    kind, _sep, ref = chosen.key.partition(":")
    if kind == "group":
        regions = list(Region.objects.filter(peer_groups__key=ref).order_by("code"))
    else:
        regions = _level_peers(kind, ref)
    return chosen, regions


PEER_LEVELS = {
    "cities": RegionLevel.CITY,
    "counties": RegionLevel.COUNTY,
    "townships": RegionLevel.TOWNSHIP,
}


def _level_peers(kind: str, ref: str) -> list[Region]:
    """The regions of a level under an anchor: ``cities:<province>``, ``counties:<city>`` …"""
    anchor = Region.objects.get(code=ref)
    return list(
        Region.objects.filter(level=PEER_LEVELS[kind], **anchor.subtree_filter()).order_by("code")
    )


def default_peer_key(region: Region) -> str:
    """The peer group a region is ranked in by default: its siblings."""
    if region.level == RegionLevel.TOWNSHIP and region.county is not None:
        return f"townships:{region.county.code}"
    if region.level == RegionLevel.COUNTY and region.city is not None:
        return f"counties:{region.city.code}"
    if region.level == RegionLevel.CITY and region.parent is not None:
        return f"cities:{region.parent.code}"
    return f"counties:{region.code}"


def periods_available() -> list[Period]:
    """Periods with approved data, oldest first."""
    texts = (
        Value.objects.filter(submission__state=SubmissionState.APPROVED)
        .values_list("submission__period", flat=True)
        .distinct()
    )
    return sorted({Period.parse(t) for t in texts}, key=lambda p: (p.time, p.quarter))


def periods_reported(scope: Region) -> list[Period]:
    """Periods with figures reported (submitted or approved) in ``scope``'s subtree, oldest
    first."""
    texts = (
        Value.objects.filter(
            submission__state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED],
            **scope.subtree_filter("region__"),
        )
        .values_list("submission__period", flat=True)
        .distinct()
    )
    return sorted({Period.parse(t) for t in texts}, key=lambda p: (p.time, p.quarter))


def targets_for(
    indicators: list[Indicator], anchors: list[int], period: Period
) -> dict[int, tuple[float, int]]:
    """Per indicator: the target of the period's year (else the nearest later year), the most
    specific of those set for the peers' province or city."""
    rows = (
        Target.objects.filter(
            indicator__in=indicators, region_id__in=anchors, year__gte=period.year
        )
        .order_by("indicator_id", "year", "-region__level")
        .values_list("indicator_id", "year", "value")
    )
    out: dict[int, tuple[float, int]] = {}
    for ind_id, year, value in rows:
        out.setdefault(ind_id, (value, year))
    return out


def load_panel(regions: list[Region], period: Period) -> Panel:
    """Approved values of the active indicators for ``regions``, every period up to ``period``,
    with the targets and provincial averages that apply to ``period``."""
    indicators = list(
        Indicator.objects.filter(is_active=True, in_index=True).select_related("category")
    )
    formulas = {i.code: i for i in indicators if i.numerator and i.denominator}
    elements = {
        e.code: e
        for e in Indicator.objects.filter(
            code__in={c for i in formulas.values() for c in (i.numerator, i.denominator)}
        )
    }
    loaded = indicators + [e for e in elements.values() if e not in indicators]
    first = regions[0] if regions else None
    anchors = [r for r in (first.province_id, first.city_id) if r] if first else []
    targets = targets_for(indicators, anchors, period)
    benchmarks = Benchmark.objects.filter(
        indicator__in=indicators, period=str(period), region_id__in=anchors
    )
    averages = dict(
        benchmarks.filter(kind=BenchmarkKind.AVERAGE).values_list("indicator_id", "value")
    )
    bests = dict(benchmarks.filter(kind=BenchmarkKind.BEST).values_list("indicator_id", "value"))
    core = tuple(
        CoreIndicator(
            code=i.code,
            name=i.name,
            category=i.category.name,
            unit=i.unit,
            polarity=i.polarity,
            weight=i.weight,
            decimals=i.decimals,
            target=targets[i.pk][0] if i.pk in targets else None,
            target_year=targets[i.pk][1] if i.pk in targets else None,
            lower=i.lower,
            upper=i.upper,
            average=averages.get(i.pk),
            best=bests.get(i.pk),
        )
        for i in indicators
    )
    rows = (
        Value.objects.filter(
            submission__state=SubmissionState.APPROVED,
            region__in=regions,
            indicator__in=loaded,
        )
        .filter(Q(submission__period__lte=str(period)))
        .values_list("region_id", "indicator_id", "submission__period", "value")
    )
    r_of = {r.pk: k for k, r in enumerate(regions)}
    i_of = {i.pk: k for k, i in enumerate(loaded)}
    cells = [(r, i, Period.parse(p), v) for r, i, p, v in rows]
    periods = sorted({c[2] for c in cells} | {period}, key=lambda p: (p.time, p.quarter))
    periods = [p for p in periods if (p.time, p.quarter) <= (period.time, period.quarter)]
    t_of = {p: k for k, p in enumerate(periods)}
    values = np.full((len(regions), len(loaded), len(periods)), np.nan)
    for r, i, p, v in cells:
        if p in t_of and v is not None:
            values[r_of[r], i_of[i], t_of[p]] = v
    index_of = {ind.code: k for k, ind in enumerate(loaded)}
    for code, ind in formulas.items():
        if ind.numerator in index_of and ind.denominator in index_of:
            values[:, index_of[code], :] = derive(
                values[:, index_of[ind.numerator], :],
                values[:, index_of[ind.denominator], :],
                ind.factor,
            )
    values = values[:, : len(indicators), :]  # base data elements are not scored
    return Panel(
        tuple(r.code for r in regions),
        core,
        tuple(periods),
        values,
        {r.code: r.name for r in regions},
    )


def category_policy(**options: Any) -> Policy:
    weights = tuple(
        Category.objects.filter(indicators__is_active=True).distinct().values_list("name", "weight")
    )
    return Policy(category_weights=weights, **options)


def warning_rules(region: Region | None) -> alerts.Rules:
    """The warning rules of the nearest region up the tree that set them (else the defaults)."""
    if region is None:
        return alerts.Rules()
    ids = region.lineage_ids()
    found = {w.region_id: w for w in WarningSettings.objects.filter(region_id__in=ids)}
    for pk in ids:
        if pk in found:
            w = found[pk]
            return alerts.Rules(w.below_average, w.off_track, w.worse_periods, w.bottom_n)
    return alerts.Rules()


def index_result(
    regions: list[Region], period: Period, *, policy: Policy | None = None, runs: int = 0
) -> engine.IndexResult:
    panel = load_panel(regions, period)
    mc = uncertainty.MonteCarlo(runs=runs, seed=0) if runs else None
    anchor = regions[0].parent if regions else None
    rules = warning_rules(anchor)
    return engine.compute(panel, period, policy or category_policy(), rules=rules, mc=mc)


def region_peers(region: Region) -> list[Region]:
    """The siblings a region is ranked among by default (itself included)."""
    kind, _sep, ref = default_peer_key(region).partition(":")
    return _level_peers(kind, ref)


def indicator_peer_regions(user: Any, key: str | None) -> list[Region]:
    """Regions on an indicator's page: the chosen peer group for results users; for a
    department reporter, the counties of its city (or all its townships with ``townships``)."""
    try:
        return peer_regions(user, key)[1]
    except PermissionDenied:
        org = getattr(user, "organisation", None)
        if org is None or org.region.city is None:
            raise
        level = RegionLevel.TOWNSHIP if key == "townships" else RegionLevel.COUNTY
        return list(
            Region.objects.filter(level=level, **org.region.city.subtree_filter()).order_by("code")
        )


def indicator_series(result: engine.IndexResult, code: str, region: str) -> dict[str, Any]:
    """Chart data for one indicator: the region's values, the peer median and the target over
    the panel's periods."""
    panel = result.panel
    i = [ind.code for ind in panel.indicators].index(code)
    ind = panel.indicators[i]
    r = panel.regions.index(region) if region in panel.regions else None
    with np.errstate(all="ignore"):
        valid = ~np.isnan(panel.values[:, i, :])
        median = [
            float(np.median(panel.values[valid[:, t], i, t])) if valid[:, t].any() else None
            for t in range(len(panel.periods))
        ]
    own = [] if r is None else [None if np.isnan(v) else float(v) for v in panel.values[r, i, :]]
    return {
        "periods": [str(p) for p in panel.periods],
        "region": panel.names.get(region, region),
        "values": own,
        "median": median,
        "target": ind.target,
        "average": ind.average,
        "best": ind.best,
        "unit": ind.unit,
        "labels": {
            "region": panel.names.get(region, region),
            "median": _("同组中位数"),
            "target": _("目标值"),
            "average": _("省平均"),
            "best": _("省最优"),
        },
    }


# Cells per page of the web form: two inputs a cell keeps a page under Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) with room for the buttons.
FORM_PAGE_CELLS = 400


@dataclass(frozen=True, slots=True)
class FormSpec:
    """The cells an organisation reports for a period: its lead indicators × the counties and
    townships of its city."""

    period: Period
    regions: list[Region]
    indicators: list[Indicator]

    @property
    def rules(self) -> dict[str, Rule]:
        return {
            i.code: Rule(i.code, i.name, i.valid_min, i.valid_max, i.jump_threshold)
            for i in self.indicators
        }

    @property
    def cells(self) -> set[tuple[str, str]]:
        return {(r.code, i.code) for r in self.regions for i in self.indicators}

    def pages(self, size: int = FORM_PAGE_CELLS) -> list[FormPage]:
        """The web form in pages of at most ``size`` cells, region by region, so that one page
        stays well under the request's field limit however large the form is."""
        ordered = [(r, i) for r in self.regions for i in self.indicators]
        pages: list[FormPage] = []
        for start in range(0, len(ordered), size):
            chunk = ordered[start : start + size]
            pages.append(FormPage(len(pages) + 1, chunk[0][0].name, chunk[-1][0].name, chunk))
        return pages or [FormPage(1, "", "", [])]


@dataclass(frozen=True, slots=True)
class FormPage:
    """One page of a department's web form: consecutive cells in region order."""

    number: int
    first_region: str
    last_region: str
    cells: list[tuple[Region, Indicator]]

    @property
    def keys(self) -> set[tuple[str, str]]:
        return {(r.code, i.code) for r, i in self.cells}


def form_spec(organisation: Organisation, period: Period) -> FormSpec:
    """Formula indicators are derived, not reported: the form asks for their elements."""
    indicators = list(
        Indicator.objects.filter(lead_department=organisation, is_active=True)
        .filter(Q(numerator="") | Q(denominator=""))
        .select_related("category")
    )
    root = organisation.region.city or organisation.region
    # The city itself (its own standing among the province's cities), its counties, townships.
    regions = list(
        Region.objects.filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP],
            **root.subtree_filter(),
        ).order_by("code")  # the city's code sorts before its counties'
    )
    return FormSpec(period, regions, indicators)


def previous_values(spec: FormSpec) -> dict[tuple[str, str], float]:
    """Approved values of the period before, for the jump check."""
    rows = Value.objects.filter(
        submission__state=SubmissionState.APPROVED,
        submission__period=str(spec.period.previous()),
        indicator__in=spec.indicators,
        region__in=spec.regions,
        value__isnull=False,
    ).values_list("region__code", "indicator__code", "value")
    return {(r, i): float(v) for r, i, v in rows if v is not None}


def form_entries(organisation: Organisation, spec: FormSpec) -> dict[tuple[str, str], Value]:
    sub = Submission.objects.filter(organisation=organisation, period=str(spec.period)).first()
    if sub is None:
        return {}
    rows = Value.objects.filter(submission=sub).select_related("region", "indicator")
    return {(v.region.code, v.indicator.code): v for v in rows}


def open_period(today: Any = None) -> Period:
    """The period being collected now: the quarter that ended last (Asia/Shanghai)."""
    now = timezone.localdate() if today is None else today
    return Period(now.year, (now.month - 1) // 3 + 1).previous()


def open_periods(today: Any = None) -> list[Period]:
    """The periods a department may fill in now, newest first: the quarter under way once its
    last month has begun (departments start on year-end figures in December), then the quarter
    that ended last."""
    now = timezone.localdate() if today is None else today
    ended = open_period(now)
    return [ended.next(), ended] if now.month % 3 == 0 else [ended]


@dataclass(frozen=True, slots=True)
class BoardRow:
    organisation: Organisation
    indicators: int
    submission: Submission | None
    filled: int
    cells: int

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else "none"


def collection_board(organisations: Any, period: Period) -> list[BoardRow]:
    """Every organisation that leads an indicator, with its submission for ``period``."""
    orgs = list(
        organisations.filter(lead_indicators__is_active=True)
        .distinct()
        .annotate(n=Count("lead_indicators", filter=Q(lead_indicators__is_active=True)))
        .select_related("region", "region__city")
        .order_by("name")
    )
    subs = {
        s.organisation_id: s
        for s in Submission.objects.filter(organisation__in=orgs, period=str(period))
    }
    filled = dict(
        Value.objects.filter(submission__in=subs.values(), value__isnull=False)
        .values_list("submission__organisation_id")
        .annotate(n=Count("pk"))
        .values_list("submission__organisation_id", "n")
    )
    region_counts: dict[int, int] = {}
    rows = []
    for org in orgs:
        root = org.region.city or org.region
        if root.pk not in region_counts:
            region_counts[root.pk] = Region.objects.filter(  # the form's rows (form_spec)
                level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP],
                **root.subtree_filter(),
            ).count()
        rows.append(
            BoardRow(
                org, org.n, subs.get(org.pk), filled.get(org.pk, 0), org.n * region_counts[root.pk]
            )
        )
    return rows
