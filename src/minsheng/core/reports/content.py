"""A document's content, independent of its format: a title, the header fields of a government
document, sections of paragraphs and tables, and appended tables (附表). The Word and the PDF
renderers both take this, so the two files say the same thing."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    headers: Sequence[str]  # none: a table without a header row
    rows: Sequence[Sequence[str]]
    numeric: Sequence[bool] = ()  # per column: right-aligned figures
    labels: bool = False  # the first column names what the second says (a fact table)

    @property
    def columns(self) -> int:
        return len(self.headers) or max((len(r) for r in self.rows), default=1)

    def as_json(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "headers": list(self.headers),
            "rows": [list(r) for r in self.rows],
            "numeric": list(self.numeric),
            "labels": self.labels,
        }


@dataclass(frozen=True, slots=True)
class Picture:
    png: bytes
    width_cm: float
    caption: str = ""

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@dataclass(slots=True)
class Section:
    heading: str  # "" for none
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    picture: Picture | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "paragraphs": list(self.paragraphs),
            "tables": [t.as_json() for t in self.tables],
            "picture": self.picture.caption if self.picture else None,
        }


@dataclass(slots=True)
class Content:
    title: str
    subtitle: str  # e.g. the period
    issuer: str  # 发文机关
    date: str  # 成文日期, written out (2026年10月12日)
    number: str = ""  # 文号, when the office gives one
    lead: list[str] = field(default_factory=list)  # paragraphs before the first section
    sections: list[Section] = field(default_factory=list)
    appendix: list[Table] = field(default_factory=list)
    headline: dict[str, str] = field(default_factory=dict)  # the key figures as printed

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "issuer": self.issuer,
            "date": self.date,
            "number": self.number,
            "lead": list(self.lead),
            "sections": [s.as_json() for s in self.sections],
            "appendix": [t.as_json() for t in self.appendix],
            "headline": dict(self.headline),
        }


NUMERALS = "一二三四五六七八九十"


def numbered(sections: list[Section]) -> list[Section]:
    """Headings numbered 一、二、三… in order (sections without content are left out)."""
    kept = [s for s in sections if s.paragraphs or s.tables]
    for k, s in enumerate(kept):
        s.heading = f"{NUMERALS[k]}、{s.heading}"
    return kept
