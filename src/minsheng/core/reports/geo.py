"""Region boundaries for the cockpit's map: a GeoJSON FeatureCollection the office uploads (no
official map is bundled — published maps need approval), checked feature by feature, and the
demo's generated boundaries (a grid of rectangles, plainly not a real map).

Each feature is matched to a child region by ``properties.code`` (the 12-digit division code;
the first 6 digits will do) or else by ``properties.name``; the stored collection carries both,
and ECharts joins the figures on ``name``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

MAX_BYTES = 20 * 1024 * 1024
SHOWN = 20


class GeoError(ValueError):
    """Boundaries that cannot be used; the message lists the problems (feature by feature)."""


def _ring_ok(ring: Any) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(isinstance(c, int | float) and math.isfinite(c) for c in p[:2])
            for p in ring
        )
    )


def _geometry_problem(geometry: Any) -> str:
    if not isinstance(geometry, Mapping):
        return "没有 geometry"
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords if isinstance(coords, list) else [None]
    else:
        return f"几何类型须为 Polygon 或 MultiPolygon，实际为 {kind}"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(map(_ring_ok, polygon)):
            return "坐标格式不对（每个环至少 4 个 [经度, 纬度] 点）"
    return ""


def check_boundaries(data: bytes, children: Mapping[str, str]) -> dict[str, Any]:
    """The uploaded collection, each feature matched to one of ``children`` ({code: name}),
    or ``GeoError`` naming every problem. Children without a feature are allowed (left blank)."""
    if len(data) > MAX_BYTES:
        raise GeoError("文件超过 20 MB")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoError(f"不是有效的 GeoJSON（JSON 格式错误：{exc}）") from None
    if not isinstance(raw, Mapping) or raw.get("type") != "FeatureCollection":
        raise GeoError("须为 GeoJSON FeatureCollection")
    features = raw.get("features")
    if not isinstance(features, list) or not features:
        raise GeoError("FeatureCollection 中没有要素（features）")
    by_name = {name: code for code, name in children.items()}
    by_prefix = {code[:6]: code for code in children}
    problems: list[str] = []
    kept: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, Mapping) else None
        props = props if isinstance(props, Mapping) else {}
        code = str(props.get("code") or props.get("adcode") or "").strip()
        name = str(props.get("name") or "").strip()
        found = (
            code
            if code in children
            else by_prefix.get(code[:6])
            if len(code) >= 6
            else by_name.get(name)
        )
        if found is None:
            problems.append(f"第 {n} 个要素（{name or code or '无名称'}）不是本地区的下级地区")
            continue
        if found in seen:
            problems.append(
                f"第 {n} 个要素与第 {seen[found]} 个要素是同一地区（{children[found]}）"
            )
            continue
        seen[found] = n
        problem = _geometry_problem(feature.get("geometry"))
        if problem:
            problems.append(f"第 {n} 个要素（{children[found]}）：{problem}")
            continue
        kept.append(
            {
                "type": "Feature",
                "properties": {"code": found, "name": children[found]},
                "geometry": feature["geometry"],
            }
        )
    if problems:
        more = f"（另有 {len(problems) - SHOWN} 处）" if len(problems) > SHOWN else ""
        raise GeoError("；".join(problems[:SHOWN]) + more)
    return {"type": "FeatureCollection", "features": kept}


def grid_boundaries(
    children: Sequence[tuple[str, str]], *, origin: tuple[float, float] = (113.0, 34.0)
) -> dict[str, Any]:
    """The demo's stand-in: one rectangle per child region on a grid (illustrative only)."""
    columns = max(1, math.ceil(math.sqrt(len(children))))
    width, height = 0.4, 0.3
    features = []
    for k, (code, name) in enumerate(children):
        x = origin[0] + (k % columns) * width
        y = origin[1] - (k // columns) * height
        ring = [[x, y], [x + width, y], [x + width, y - height], [x, y - height], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
