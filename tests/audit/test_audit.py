from __future__ import annotations

from django.urls import reverse

from minsheng.audit.models import AuditAction, AuditEntry
from minsheng.audit.services import audit_record, audit_snapshot
from minsheng.orgs.models import Organisation, Window
from tests.conftest import City


def test_admin_edit_records_who_what_before_and_after(city: City) -> None:
    window = Window.objects.filter(centre__key=f"centre-{city.county.code}").first()
    assert window is not None
    admin = city.client("admin")
    url = reverse("admin:orgs_window_change", args=[window.pk])
    response = admin.post(
        url,
        {
            "centre": window.centre_id,
            "number": window.number,
            "name": "综合受理一号窗口",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_type="orgs.window", object_pk=str(window.pk))
    assert entry.actor == city.users["admin"]
    assert entry.action == AuditAction.UPDATE
    assert entry.before == {"name": window.name}
    assert entry.after == {"name": "综合受理一号窗口"}
    assert entry.region_code == city.county.code


def test_admin_delete_is_audited(city: City) -> None:
    org = Organisation.objects.get(key=f"centre-{city.township.code}")
    window = org.windows.first()
    assert window is not None
    city.client("admin").post(
        reverse("admin:orgs_window_delete", args=[window.pk]), {"post": "yes"}
    )
    entry = AuditEntry.objects.get(object_type="orgs.window", action=AuditAction.DELETE)
    assert entry.before is not None and entry.before["name"] == window.name


def test_audit_row_rolls_back_with_its_change(city: City) -> None:
    from django.db import transaction

    before = AuditEntry.objects.exclude(action="security").count()
    try:
        with transaction.atomic():
            audit_record(actor=None, action=AuditAction.CREATE, object_type="x.y")
            raise RuntimeError("the change fails")
    except RuntimeError:
        pass
    assert AuditEntry.objects.exclude(action="security").count() == before


def test_snapshot_never_copies_secrets(city: City) -> None:
    snap = audit_snapshot(city.users["county"])
    assert "password" not in snap and snap["username"] == "county"


def test_quality_office_filters_the_log(city: City) -> None:
    audit_record(
        actor=city.users["county"],
        action=AuditAction.STATE,
        object_type="orgs.region",
        note="county note",
        region_code=city.county.code,
    )
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        object_type="orgs.region",
        note="elsewhere",
        region_code="110000000000",
    )
    client = city.client("quality")
    body = client.get(reverse("audit_list")).content.decode()
    assert "county note" in body and "elsewhere" not in body  # another province is out of scope
    filtered = client.get(
        reverse("audit_list"), {"action": "state", "actor": "county"}
    ).content.decode()
    assert "county note" in filtered and "demo database built" not in filtered
    assert "elsewhere" in city.client("admin").get(reverse("audit_list")).content.decode()


def test_bad_filter_values_do_not_break_the_page(city: City) -> None:
    response = city.client("quality").get(reverse("audit_list"), {"date_from": "not-a-date"})
    assert response.status_code == 200


def test_admin_password_change_is_audited(city: City) -> None:
    target = city.users["county"]
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    response = city.client("admin").post(
        url,
        {
            "password1": "Qinghe-2025-admin",
            "password2": "Qinghe-2025-admin",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        object_pk=str(target.pk), note="password set by admin"
    ).exists()


def test_log_shows_changes_as_labelled_fields_in_local_time(city: City) -> None:
    audit_record(
        actor=city.users["quality"],
        action=AuditAction.UPDATE,
        object_type="orgs.window",
        before={"name": "旧", "is_active": True},
        after={"name": "新", "is_active": False},
        region_code=city.county.code,
    )
    audit_record(
        actor=city.users["quality"],
        action=AuditAction.STATE,
        object_type="reviews.rectificationcase",
        before={"state": "answered", "closed_at": None},
        after={"state": "closed", "closed_at": "2026-10-09T02:00:00+00:00"},
        note="case close",
        region_code=city.county.code,
    )
    body = city.client("quality").get(reverse("audit_list")).content.decode()
    assert "<strong>名称</strong>：旧 → 新" in body
    assert "<strong>启用</strong>：是 → 否" in body
    assert "<strong>状态</strong>：已答复 → 已办结" in body
    assert "<strong>办结时间</strong>：— → 2026-10-09 10:00:00" in body  # 02:00 UTC, local
    assert "办结" in body and "case close" not in body
    assert "&quot;" not in body.split('data-testid="audit-table"')[1]


def test_the_audit_log_is_append_only_even_for_the_database(city: City) -> None:
    import pytest
    from django.db import DatabaseError, connection, transaction

    from minsheng.audit.models import AppendOnlyError

    entry = AuditEntry.objects.order_by("pk").first()
    assert entry is not None
    entry.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = 'rewritten' WHERE id = %s", [entry.pk])  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    assert AuditEntry.objects.get(pk=entry.pk).note != "rewritten"
