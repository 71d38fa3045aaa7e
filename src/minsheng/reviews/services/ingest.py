"""Taking ratings in — from the API (single or batch), the window tablet, the QR page and
files — with one set of rules:

- idempotent: a repeated idempotency key returns the first rating, never a second one;
- one rating per case and channel (a follow-up rating, 追评, is kept as such);
- a batch answers per item (accepted, duplicate, or what is wrong) and stores the valid items
  even when others fail; a crash stores nothing (one transaction);
- a bad active rating opens its rectification case with working-day deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.accounts.models import ApiClient
from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.core.ratings.records import RatingRecord
from minsheng.orgs.models import Organisation, OrgKind
from minsheng.reviews.models import Channel, Rating, ReasonTag
from minsheng.reviews.services.bulk import FIELDS, MissingParentError, insert_returning
from minsheng.reviews.services.cases import needs_case, open_cases
from minsheng.reviews.services.contact import encrypt, mask
from minsheng.reviews.services.directory import Directory

Status = Literal["accepted", "duplicate", "error"]
MAX_BATCH = 1000
FUTURE_SLACK = dt.timedelta(minutes=5)
EARLIEST = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
# What an item is told when a name is not found (files show the Chinese half).
UNKNOWN = {
    "department": "未知部门“{}” / unknown department",
    "centre": "未知服务中心“{}” / unknown centre",
    "window": "未知窗口“{}” / unknown window",
    "staff": "未知工作人员“{}” / unknown staff",
    "service_item": "未知服务事项“{}” / unknown service item",
    "reasons": "未知评价原因“{}” / unknown reason",
}
RATED_AT_RANGE = "评价时间不合理 / rated_at is in the future or too early"


@dataclass(slots=True)
class ItemResult:
    index: int  # position in the batch, or the row number of a file
    status: Status
    rating_id: int | None = None
    errors: list[str] = field(default_factory=list)  # "中文 / English", for API clients
    fields: list[str] = field(default_factory=list)  # the record field of each error

    def fail(self, name: str, message: str) -> None:
        self.errors.append(message)
        self.fields.append(name)


def _client_centres(client: ApiClient) -> Organisation | None:
    """A centre's client rates for that centre only; another organisation's client (a
    provincial system) for the centres of its region subtree (checked per rating)."""
    return client.organisation if client.organisation.kind == OrgKind.SERVICE_CENTRE else None


def reason_codes() -> dict[str, str]:
    tags = ReasonTag.objects.filter(is_active=True)
    out = {}
    for tag in tags:
        out[tag.code] = tag.code
        out[tag.name] = tag.code
    return out


def ingest(
    records: Sequence[RatingRecord],
    *,
    directory: Directory,
    client: ApiClient | None = None,
    actor_label: str = "",
) -> list[ItemResult]:
    results: list[ItemResult] = []
    pending: list[tuple[ItemResult, tuple[Any, ...]]] = []
    reasons_known = reason_codes() if any(r.reasons for r in records) else {}
    now = timezone.now()
    keys_seen: dict[str, ItemResult] = {}
    aliases: list[tuple[ItemResult, ItemResult]] = []  # (duplicate, the earlier item it repeats)
    cases_seen: dict[tuple[str, str], ItemResult] = {}
    existing_keys, existing_cases = _existing(records, client)
    own_centre = _client_centres(client) if client is not None else None
    inside_seen: dict[int, bool] = {}  # centre -> within the client's region (one query each)
    for record in records:
        result = ItemResult(record.row, "error")
        results.append(result)
        key = record.idempotency_key
        if key and key in existing_keys:
            result.status, result.rating_id = "duplicate", existing_keys[key]
            continue
        if key and key in keys_seen:
            result.status = "duplicate"
            aliases.append((result, keys_seen[key]))
            continue
        department = directory.department(record.department)
        if department is None:
            result.fail("department", UNKNOWN["department"].format(record.department))
        centre = directory.centre(record.centre)
        if centre is None:
            result.fail("centre", UNKNOWN["centre"].format(record.centre))
        window = staff = None
        if centre is not None:
            window = directory.window(centre, record.window)
            if record.window and window is None:
                result.fail("window", UNKNOWN["window"].format(record.window))
            staff = directory.staff(centre, record.staff)
            if record.staff and staff is None:
                result.fail("staff", UNKNOWN["staff"].format(record.staff))
            if client is not None:
                for message in _client_errors(client, own_centre, centre, record, inside_seen):
                    result.fail("centre", message)
        item = None
        if department is not None and record.service_item:
            item = directory.service_item(record.service_item, department)
            if item is None:
                result.fail("service_item", UNKNOWN["service_item"].format(record.service_item))
        if record.rated_at > now + FUTURE_SLACK or record.rated_at < EARLIEST:
            result.fail("rated_at", RATED_AT_RANGE)
        if record.handled_at is not None and (
            record.handled_at > now + FUTURE_SLACK or record.handled_at < EARLIEST
        ):
            result.fail("handled_at", "办结时间不合理 / handled_at is in the future or too early")
        reasons: list[str] = []
        for reason in record.reasons:
            code = reasons_known.get(reason) if reasons_known else reason
            if code is None:
                result.fail("reasons", UNKNOWN["reasons"].format(reason))
            else:
                reasons.append(code[:32])
        if result.errors or department is None or centre is None:
            continue
        case_key = (record.case_no, str(record.channel))
        if not record.follow_up and case_key in existing_cases:
            result.status, result.rating_id = "duplicate", existing_cases[case_key]
            continue
        if not record.follow_up and case_key in cases_seen:
            result.status = "duplicate"
            aliases.append((result, cases_seen[case_key]))
            continue
        row = (  # in the order of bulk.FIELDS
            record.case_no,
            item.pk if item is not None else None,
            department.pk,
            centre.pk,
            window.pk if window is not None else None,
            staff.pk if staff is not None else None,
            str(record.channel),
            record.level,
            reasons,
            record.comment,
            encrypt(record.contact),
            mask(record.contact),
            str(record.source),
            record.follow_up,
            record.rated_at,
            now,
            record.handled_at,
            client.pk if client is not None else None,
            record.idempotency_key,
            record.device[:64],
            record.ip_hash[:64],
        )
        result.status = "accepted"
        pending.append((result, row))
        if record.idempotency_key:
            keys_seen[record.idempotency_key] = result
        if not record.follow_up:
            cases_seen[case_key] = result
    if pending:
        _store(pending, actor_label)
    for duplicate, first in aliases:
        duplicate.rating_id = first.rating_id
    return results


def _client_errors(
    client: ApiClient,
    own: Organisation | None,
    centre: Organisation,
    record: RatingRecord,
    inside_seen: dict[int, bool],
) -> list[str]:
    errors = []
    if own is not None and centre.pk != own.pk:
        errors.append("此客户端只能提交本服务中心的评价 / this client rates its own centre only")
    if own is None:
        root = client.organisation.region
        if centre.pk not in inside_seen:
            inside_seen[centre.pk] = (
                centre.region_id == root.pk
                or Organisation.objects.filter(
                    pk=centre.pk, **root.subtree_filter("region__")
                ).exists()
            )
        if not inside_seen[centre.pk]:
            errors.append("服务中心不在此客户端的范围内 / centre outside this client's scope")
    if client.channel in Channel.values and client.channel != str(record.channel):
        errors.append(
            f"此客户端的渠道是 {client.channel} / this client submits {client.channel} ratings"
        )
    return errors


def _existing(
    records: Sequence[RatingRecord], client: ApiClient | None
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Ratings already stored under these idempotency keys (of this client) or for these
    (case, channel) pairs: one query per unique index."""
    keys = list({r.idempotency_key for r in records if r.idempotency_key})
    numbers = list({r.case_no for r in records})
    by_key: dict[str, int] = {}
    by_case: dict[tuple[str, str], int] = {}
    if not numbers:
        return by_key, by_case
    client_id = client.pk if client is not None else None
    # One query per partial unique index, each with the index's own condition spelled out so
    # that SQLite's planner may use it (an IN list alone does not imply ``key <> ''``, and an
    # OR of both made it scan the client's whole history through the client_id index).
    if keys:
        keyed = Rating.objects.filter(idempotency_key__in=keys).exclude(idempotency_key="")
        keyed = (
            keyed.filter(client_id=client_id)
            if client_id is not None
            else keyed.filter(client__isnull=True)
        )
        # No ordering (the model's default, newest first, would steer PostgreSQL to the
        # rated_at index): the lookups are by key alone.
        by_key.update(keyed.order_by().values_list("idempotency_key", "pk"))
    for pk, case_no, channel in (
        Rating.objects.filter(case_no__in=numbers, is_follow_up=False)
        .order_by()
        .values_list("pk", "case_no", "channel")
    ):
        by_case[(case_no, channel)] = pk
    return by_key, by_case


def _store(pending: list[tuple[ItemResult, tuple[Any, ...]]], actor_label: str) -> None:
    """Insert in one statement per thousand rows, then open the cases of the bad ones."""
    try:
        with transaction.atomic():
            ids = insert_returning([row for _, row in pending])
            for (result, _), pk in zip(pending, ids, strict=True):
                result.rating_id = pk
            _open_cases_for(ids, pending, actor_label)
    except MissingParentError as exc:  # a parent deleted since the records were checked
        for result, _ in pending:
            result.status = "error"
            result.rating_id = None
            for name in exc.fields:
                result.fail(name, str(exc))
    except IntegrityError:
        # Another request stored some of these meanwhile: one by one, the rest are duplicates.
        for result, row in pending:
            try:
                with transaction.atomic():
                    (pk,) = insert_returning([row])
                    result.rating_id = pk
                    _open_cases_for([pk], [(result, row)], actor_label)
            except IntegrityError:
                result.status = "duplicate"
                result.rating_id = _find_existing(row)


def _open_cases_for(
    ids: list[int], pending: list[tuple[ItemResult, tuple[Any, ...]]], actor_label: str
) -> None:
    level, source = FIELDS.index("level"), FIELDS.index("source")
    bad = [
        pk
        for pk, (_, row) in zip(ids, pending, strict=True)
        if needs_case(int(row[level]), row[source])
    ]
    if bad:
        open_cases(bad, actor_label=actor_label)


def _find_existing(row: tuple[Any, ...]) -> int | None:
    values = dict(zip(FIELDS, row, strict=True))
    if values["idempotency_key"]:
        found = Rating.objects.filter(
            client_id=values["client_id"], idempotency_key=values["idempotency_key"]
        ).first()
        if found is not None:
            return found.pk
    found = Rating.objects.filter(
        case_no=values["case_no"], channel=values["channel"], is_follow_up=False
    ).first()
    return found.pk if found is not None else None


def audit_import(actor: object, accepted: int, directory: Directory, note: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        object_type="reviews.rating",
        note=f"{note}: {accepted} accepted; created {directory.created or {}}",
        region_code=directory.city.code if directory.city is not None else None,
    )
