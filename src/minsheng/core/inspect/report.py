"""The figures of an inspection round (检查情况): pass rates by item and by site, the worst
sites, and the repeated findings.

- an item's 合格率 = sites where it passed ÷ sites where it applied (n.a. left out);
- a site's score is its visit's score (``checklist.visit_score``);
- the round's 合格率 = passed ÷ applicable marks over all visits;
- a finding is *repeated* (屡查屡犯) when the same item failed at the same site on an earlier
  visit (the caller supplies those earlier failures)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from minsheng.core.inspect.checklist import FAIL, PASS, Item, failed, visit_score


@dataclass(frozen=True, slots=True)
class VisitRecord:
    site: str  # key
    name: str
    stratum: str  # e.g. the county
    results: Mapping[str, str]
    earlier_fails: frozenset[str] = frozenset()  # item codes failed here on earlier visits


@dataclass(slots=True)
class ItemRow:
    item: Item
    applies: int = 0
    passed: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.applies if self.applies else None


@dataclass(slots=True)
class SiteRow:
    site: str
    name: str
    stratum: str
    score: float | None
    failed: list[Item]
    repeated: list[Item]


@dataclass(slots=True)
class RoundReport:
    visits: int
    findings: int
    repeated: int
    pass_rate: float | None
    items: list[ItemRow] = field(default_factory=list)
    sites: list[SiteRow] = field(default_factory=list)  # worst first

    def worst(self, n: int = 5) -> list[SiteRow]:
        return [s for s in self.sites if s.failed][:n]

    def as_json(self) -> dict[str, Any]:
        return {
            "visits": self.visits,
            "findings": self.findings,
            "repeated": self.repeated,
            "pass_rate": self.pass_rate,
            "items": [
                {**r.item.as_json(), "applies": r.applies, "passed": r.passed, "rate": r.rate}
                for r in self.items
            ],
            "sites": [
                {
                    "site": s.site,
                    "name": s.name,
                    "stratum": s.stratum,
                    "score": s.score,
                    "failed": [i.code for i in s.failed],
                    "repeated": [i.code for i in s.repeated],
                }
                for s in self.sites
            ],
        }


def round_report(items: Sequence[Item], visits: Sequence[VisitRecord]) -> RoundReport:
    rows = {i.code: ItemRow(i) for i in items}
    sites: list[SiteRow] = []
    for visit in visits:
        for item in items:
            mark = visit.results.get(item.code)
            if mark in (PASS, FAIL):
                rows[item.code].applies += 1
                rows[item.code].passed += mark == PASS
        fails = failed(items, visit.results)
        sites.append(
            SiteRow(
                visit.site,
                visit.name,
                visit.stratum,
                visit_score(items, visit.results),
                fails,
                [i for i in fails if i.code in visit.earlier_fails],
            )
        )
    sites.sort(key=lambda s: (s.score if s.score is not None else 101.0, s.stratum, s.name))
    applies = sum(r.applies for r in rows.values())
    return RoundReport(
        visits=len(visits),
        findings=sum(len(s.failed) for s in sites),
        repeated=sum(len(s.repeated) for s in sites),
        pass_rate=sum(r.passed for r in rows.values()) / applies if applies else None,
        items=list(rows.values()),
        sites=sites,
    )
