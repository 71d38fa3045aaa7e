"""A poll's respondents as columns, for the results computation: a snapshot in the analytics
store (``core.analytics.store``: ``respondents/poll=<id>/version-<v>.parquet``) holding each
respondent's region, stratum, weights and plan cell, and one column per item with the answer
code as a small integer (codes are whole numbers: every scale's are, and the import and the
online form accept no other) — read in a fraction of a second instead of decoding a JSON
document per respondent.

The version is a digest of the respondents' state in the database (the poll's write counter,
count and last id — the same state that keys the per-process memo), so a snapshot is never
read after the data changed. The import and the weighting write the new snapshot when they
commit, and the worker writes it for polls in fieldwork (online answers), so a first view reads
columns too; a reader that finds none builds it from the database (about 2 s per million
respondents) and keeps it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from django.db import transaction
from django.db.models import Count, F, Max, TextField
from django.db.models.functions import Cast

from minsheng.analytics.frames import query_frame
from minsheng.analytics.store import register_snapshots, root
from minsheng.core.analytics import store
from minsheng.core.analytics.polls import ANSWER  # "a:Q1": each respondent's code to Q1 (Int16)
from minsheng.polls.models import Poll, PollState, Respondent

TABLE = "respondents"
# Column in the snapshot → what the database gives.
FIXED = {
    "id": "pk",
    "region_code": "region__code",
    "region_level": "region__level",
    "county_code": "region__county__code",
    "stratum": "stratum",
    "weight": "weight",
    "base_weight": "base_weight",
    "cell_id": "cell_id",
    "respondent_id": "respondent_id",
    "interviewer": "interviewer",
    "duration": "duration",
}
COLUMNS_VERSION = 3  # raised when the columns change, so no snapshot of the old shape is read
TYPES = {
    "id": pl.Int64,
    "region_code": pl.String,
    "region_level": pl.Int64,
    "county_code": pl.String,
    "stratum": pl.String,
    "weight": pl.Float64,
    "base_weight": pl.Float64,
    "cell_id": pl.Int64,
    "respondent_id": pl.String,
    "interviewer": pl.String,
    "duration": pl.Float64,
}
ATTRIBUTE = "attr:"  # the vendor's attributes (age group, sex …) the weighting may use
register_snapshots(TABLE)


def respondents_state(poll: Poll) -> dict[str, Any]:
    """The version of the poll's respondents: the counter every write raises
    (``respondents_changed``), and their count and last id (an index-only look-up) in case a
    row came or went another way."""
    data = Respondent.objects.filter(poll=poll).aggregate(n=Count("pk"), last=Max("pk"))
    data["version"] = (
        Poll.objects.filter(pk=poll.pk).values_list("respondents_version", flat=True).first()
    )
    return dict(sorted(data.items()))


def respondents_changed(poll: Poll) -> None:
    """Every write to a poll's respondents (import, online answer, plan, weights) calls this in
    its transaction, so kept results and snapshots of the old data are not read again."""
    Poll.objects.filter(pk=poll.pk).update(respondents_version=F("respondents_version") + 1)


def version(poll: Poll, state: dict[str, Any]) -> str:
    text = json.dumps(
        [COLUMNS_VERSION, poll.pk, _codes(poll), poll.attributes, state],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def respondent_columns(poll: Poll, state: dict[str, Any] | None = None) -> pl.DataFrame:
    """The poll's respondents (``FIXED`` columns, ``a:<item>`` answer codes, ``attr:<name>``
    attributes), oldest first."""
    current = version(poll, state if state is not None else respondents_state(poll))
    frame = store.snapshot(root(), TABLE, f"poll={poll.pk}", current)
    if frame is None:
        _write(poll, current)
        frame = store.snapshot(root(), TABLE, f"poll={poll.pk}", current)
    if frame is None:  # removed meanwhile by a writer of a newer version: read that one's data
        return respondent_columns(poll)
    return frame


def snapshot_path(poll: Poll, state: dict[str, Any] | None = None) -> Path:
    """The file of the poll's snapshot at its current version (written if there is none)."""
    current = version(poll, state if state is not None else respondents_state(poll))
    path = store.snapshot_path(root(), TABLE, f"poll={poll.pk}", current)
    if not path.exists():
        _write(poll, current)
    return path


def refresh(poll: Poll) -> bool:
    """Write the snapshot of the poll's current data unless it is there; True if written."""
    current = version(poll, respondents_state(poll))
    if store.snapshot_path(root(), TABLE, f"poll={poll.pk}", current).exists():
        return False
    _write(poll, current)
    return True


def refresh_on_commit(poll: Poll) -> None:
    """The respondents changed (an import, a weighting): a new version, and after the running
    transaction commits, its snapshot."""
    respondents_changed(poll)
    transaction.on_commit(lambda: refresh(poll))


def refresh_fieldwork() -> int:
    """The worker's step: the snapshots of polls taking online answers; returns how many were
    written."""
    return sum(refresh(poll) for poll in Poll.objects.filter(state=PollState.FIELDWORK))


def refresh_all() -> int:
    """Every poll's snapshot (the demo, after building its polls); returns how many were
    written."""
    return sum(refresh(poll) for poll in Poll.objects.all())


def _write(poll: Poll, current: str) -> None:
    """Read the respondents from the database in one query (answers and attributes as their
    JSON text), and let DuckDB take every answer out of the JSON into its own column while it
    writes the snapshot — a million respondents in about 3 s, where decoding one document per
    row in Python took 20 s."""
    codes = _codes(poll)
    names = [str(a) for a in poll.attributes or []]
    columns: dict[str, tuple[Any, Any]] = {n: (FIXED[n], t) for n, t in TYPES.items()}
    columns["answers"] = (Cast("answers", TextField()), pl.String)
    columns["attributes"] = (Cast("attributes", TextField()), pl.String)
    raw = query_frame(Respondent.objects.filter(poll=poll).order_by("pk"), columns)
    with store.snapshot_file(root(), TABLE, f"poll={poll.pk}", current) as target:
        source = target.with_suffix(".raw")
        raw.write_parquet(source)
        try:
            duckdb.sql(_transform_sql(source, target, codes, names))
        finally:
            source.unlink(missing_ok=True)


def _transform_sql(source: Path, target: Path, codes: list[str], names: list[str]) -> str:
    """``COPY (SELECT the fixed columns, each answer, each attribute) TO target``. The names
    are the questionnaire's item codes and the poll's attribute names, quoted as identifiers
    and JSON keys; the paths are the store's own."""

    def ident(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    def shape(keys: list[str]) -> str:
        return json.dumps(dict.fromkeys(keys, "VARCHAR")).replace("'", "''")

    picked = [ident(name) for name in TYPES]
    if codes:  # a blank answer, or any code that is not a whole number, is no answer
        picked += [f"TRY_CAST(a.{ident(c)} AS SMALLINT) AS {ident(ANSWER + c)}" for c in codes]
    if names:
        picked += [f"t.{ident(n)} AS {ident(ATTRIBUTE + n)}" for n in names]
    inner = ", ".join(
        [
            "*",
            *([f"json_transform(answers, '{shape(codes)}') AS a"] if codes else []),
            *([f"json_transform(attributes, '{shape(names)}') AS t"] if names else []),
        ]
    )
    path = str(source).replace("'", "''")
    out = str(target).replace("'", "''")
    return (  # every name quoted above: item codes and attribute names are the office's text
        f"COPY (SELECT {', '.join(picked)} FROM (SELECT {inner} FROM read_parquet('{path}')) "  # noqa: S608
        f"ORDER BY id) TO '{out}' (FORMAT parquet, COMPRESSION zstd)"
    )


def _codes(poll: Poll) -> list[str]:
    return list(poll.questionnaire.items.order_by("order", "pk").values_list("code", flat=True))
