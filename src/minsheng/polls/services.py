"""Writes of the polls capability: importing a vendor's fieldwork file (all or nothing)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record, audit_snapshot
from minsheng.core.polls.fieldwork import ItemSpec, phone_hash, read_respondents
from minsheng.core.polls.scales import Scale
from minsheng.core.tabular import MAX_BYTES, CellError, TableError, read_table
from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.models import (
    Poll,
    PollLink,
    PollState,
    Questionnaire,
    Respondent,
    VendorMapping,
)
from minsheng.polls.store import refresh_on_commit, respondents_changed

Progress = Callable[[int, int], None]
BATCH = 2000


ROUND_CLOSED = "本轮测评已结束，结果已发布，不能再上传数据；如需补录，请质量办重新开放本轮"


@transaction.atomic
def poll_set_state(*, actor: Any, poll: Poll, state: str) -> Poll:
    """End a round when its results are published (no more fieldwork), or reopen it; both
    are the quality office's decision and audited."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if state not in PollState.values or state == poll.state:
        return poll
    before = audit_snapshot(poll)
    poll.state = state
    poll.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action=AuditAction.STATE,
        obj=poll,
        before=before,
        after=audit_snapshot(poll),
        note="poll closed" if state == PollState.CLOSED else "poll reopened",
        region_code=poll.region.code,
    )
    return poll


def poll_salt(poll: Poll) -> str:
    """Per-poll salt: the same number is the same respondent within a poll, unlinkable across.
    (The demo step uses the same recipe.)"""
    return f"{settings.SECRET_KEY}:poll:{poll.pk}"


def poll_regions(poll: Poll) -> dict[str, Region]:
    """Counties and townships of the poll's region, by code, short code and name."""
    out: dict[str, Region] = {}
    for region in Region.objects.filter(
        level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP], **poll.region.subtree_filter()
    ):
        out[region.code] = region
        out[region.code.rstrip("0")] = region
        out.setdefault(region.name, region)
    return out


@transaction.atomic
def fieldwork_import(
    poll: Poll,
    data: bytes,
    *,
    filename: str,
    actor: Any,
    progress: Progress | None = None,
    limit: int | None = MAX_BYTES,
) -> int:
    """Check every row, then store all respondents — or raise ``TableError`` listing every
    problem and store nothing. Returns the number imported. ``limit``: the largest file taken
    (an upload's); None for the command."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.state != PollState.FIELDWORK:
        raise TableError([CellError("", 0, "", ROUND_CLOSED)])
    table = read_table(data, filename=filename, limit=limit)
    items = [ItemSpec(i.code, Scale(i.scale)) for i in poll.questionnaire.items.all()]
    regions = poll_regions(poll)
    known = frozenset(Respondent.objects.filter(poll=poll).values_list("phone_hash", flat=True))
    respondents, errors = read_respondents(
        table,
        items=items,
        mapping=poll.mapping or {},
        region_ok=lambda code: code in regions,
        salt=poll_salt(poll),
        known_hashes=known,
        min_duration=float(poll.min_duration),
        attributes=[str(a) for a in poll.attributes or []],
    )
    taken = set(Respondent.objects.filter(poll=poll).values_list("respondent_id", flat=True))
    errors += [
        table.error(
            r.row, (poll.mapping or {}).get("respondent_id", "respondent_id"), "样本编号已导入过"
        )
        for r in respondents
        if r.respondent_id in taken
    ]
    if errors:
        raise TableError(sorted(errors, key=lambda e: (e.row, e.column)))
    total = len(respondents)
    for start in range(0, total, BATCH):
        Respondent.objects.bulk_create(
            Respondent(
                poll=poll,
                respondent_id=r.respondent_id,
                region=regions[r.region],
                stratum=r.stratum,
                phone_hash=r.phone_hash,
                interviewer=r.interviewer,
                duration=r.duration,
                weight=r.weight if r.weight is not None else 1.0,
                base_weight=r.weight if r.weight is not None else 1.0,
                answers=r.answers,
                attributes=r.attributes,
            )
            for r in respondents[start : start + BATCH]
        )
        if progress is not None:
            progress(min(start + BATCH, total), total)
    Questionnaire.objects.filter(pk=poll.questionnaire_id).update(frozen=True)
    refresh_on_commit(poll)  # the results' columns, written once the import commits
    audit_record(
        actor=actor,
        action=AuditAction.BULK,
        obj=poll,
        note=f"fieldwork {filename}: {total} respondents",
        region_code=poll.region.code,
    )
    return total


MAX_LINKS = 5000


@transaction.atomic
def links_create(
    poll: Poll, region: Region, *, count: int, one_time: bool, actor: Any
) -> list[PollLink]:
    """``count`` one-time tokens, or one QR link, for a county or township of the poll."""
    if not 1 <= count <= MAX_LINKS:
        raise ValueError(f"count must be 1–{MAX_LINKS}")
    links = PollLink.objects.bulk_create(
        PollLink(poll=poll, region=region, token=secrets.token_urlsafe(18), one_time=one_time)
        for _ in range(count if one_time else 1)
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=poll,
        note=f"{len(links)} {'one-time tokens' if one_time else 'QR link'} for {region.code}",
        region_code=region.code,
    )
    return links


class AnswerError(ValueError):
    """The link cannot take (another) answer; the message is for the citizen."""


@transaction.atomic
def answer_online(link: PollLink, answers: dict[str, str], *, device: str) -> Respondent:
    """Store one online respondent. A one-time token answers once; a QR link once per device
    (the device cookie is kept only as a salted hash, in place of a phone number)."""
    link = PollLink.objects.select_for_update().get(pk=link.pk)
    if link.poll.state != PollState.FIELDWORK:
        raise AnswerError("本次测评已结束")
    if link.one_time and link.used_at is not None:
        raise AnswerError("此链接已经作答过了")
    hashed = phone_hash(
        f"device:{device}:{link.token if link.one_time else ''}", poll_salt(link.poll)
    )
    if Respondent.objects.filter(poll=link.poll, phone_hash=hashed).exists():
        raise AnswerError("您已参加过本次测评，谢谢")
    respondent = Respondent.objects.create(
        poll=link.poll,
        respondent_id=f"W-{secrets.token_hex(8)}",
        region=link.region,
        stratum="online",
        phone_hash=hashed,
        interviewer="online",
        answers=answers,
    )
    respondents_changed(link.poll)
    if link.one_time:
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return respondent


@transaction.atomic
def poll_create(*, actor: Any, region: Region, **fields: Any) -> Poll:
    """A new poll round in ``region`` (audited); the questionnaire is frozen from now on, and
    the vendor's saved column mapping applies."""
    vendor = fields.get("vendor")
    if vendor is not None and not fields.get("mapping"):
        saved = VendorMapping.objects.filter(vendor=vendor).first()
        fields["mapping"] = dict(saved.mapping) if saved is not None else {}
    poll = Poll.objects.create(region=region, **fields)
    Questionnaire.objects.filter(pk=poll.questionnaire_id).update(frozen=True)
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=poll, note=str(poll), region_code=region.code
    )
    return poll


@transaction.atomic
def mapping_save(poll: Poll, mapping: dict[str, str], *, actor: Any) -> None:
    """Save the column mapping on the poll and as the vendor's default for its next polls."""
    clean = {k: v.strip() for k, v in mapping.items() if v.strip() and v.strip() != k}
    before = dict(poll.mapping or {})
    poll.mapping = clean
    poll.save(update_fields=["mapping"])
    if poll.vendor_id is not None:
        VendorMapping.objects.update_or_create(
            vendor_id=poll.vendor_id, defaults={"mapping": clean}
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=poll,
        before={"mapping": before},
        after={"mapping": clean},
        region_code=poll.region.code,
    )
