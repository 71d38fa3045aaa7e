from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minsheng.audit.models import AuditEntry
from tests.conftest import PASSWORD, City


def _login(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_login_then_logout(city: City) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "county", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_an_error_in_chinese(city: City) -> None:
    response = Client().post(reverse("login"), {"username": "county", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(city: City) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "county", "wrong")
    response = client.post(reverse("login"), {"username": "county", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    # Another user from the same address is not locked out.
    assert _login(Client(), "township", PASSWORD) == 302


def test_session_expires_after_idle_time(city: City) -> None:
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert _login(client, "county", PASSWORD) == 302
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
        assert client.get(reverse("home")).status_code == 302


def test_password_change_works_and_is_audited_without_the_hash(city: City) -> None:
    client = city.client("county")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qinghe-2025-new",
            "new_password2": "Qinghe-2025-new",
        },
    )
    assert response.status_code == 302
    assert _login(Client(), "county", "Qinghe-2025-new") == 302
    entry = AuditEntry.objects.filter(actor=city.users["county"], note="password changed").get()
    assert entry.before is None and entry.after is None


def test_password_change_needs_login(city: City) -> None:
    assert Client().get(reverse("password_change")).status_code == 302


def test_failures_elsewhere_do_not_lock_the_account_here(city: City) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _login(attacker, "leader", "wrong")
    assert _login(attacker, "leader", PASSWORD) == 429  # locked from that address
    assert _login(Client(REMOTE_ADDR="10.1.2.3"), "leader", PASSWORD) == 302  # not from here


def test_one_address_trying_many_names_is_refused(city: City) -> None:
    spray = Client(REMOTE_ADDR="203.0.113.50")
    names = ["quality", "leader", "reporter", "county", "township", "window", "vendor"]
    answers = [
        _login(spray, names[k % len(names)], f"guess-{k}")
        for k in range(settings.LOGIN_ADDRESS_LIMIT + 2)
    ]
    assert 429 not in answers[: settings.LOGIN_ADDRESS_LIMIT]
    assert answers[-1] == 429
    assert _login(spray, "county", PASSWORD) == 429  # even the right password, from there
    assert _login(Client(REMOTE_ADDR="10.9.9.9"), "county", PASSWORD) == 302
    events = AuditEntry.objects.filter(action="security", note="login")
    assert events.filter(after__outcome="address refused").exists()


def test_sign_in_events_are_recorded_with_address_and_outcome(city: City) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    _login(client, "county", "wrong")
    _login(client, "county", PASSWORD)
    client.get(reverse("audit_list"))  # a region officer may not read the log: refused
    rows = list(
        AuditEntry.objects.filter(action="security")
        .order_by("pk")
        .values_list("actor_label", "note", "after")
    )
    assert (
        "county",
        "login",
        {"event": "login", "outcome": "failure", "address": "10.0.0.7", "path": "/accounts/login/"},
    ) in rows
    assert any(r[1] == "login" and r[2]["outcome"] == "success" for r in rows)
    # The city's quality office reads its users' security events in the log.
    log = city.client("quality").get(reverse("audit_list"), {"action": "security"})
    assert "登录 · 失败" in log.content.decode() and "10.0.0.7" in log.content.decode()
    refused = [r for r in rows if r[1] == "permission denied"]
    assert (
        refused and refused[-1][0] == "county" and refused[-1][2]["path"] == reverse("audit_list")
    )


def test_a_session_ends_after_its_absolute_lifetime(city: City) -> None:
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert _login(client, "county", PASSWORD) == 302
        # Active every 100 minutes (under the idle timeout), for longer than the lifetime.
        for _ in range(settings.SESSION_MAX_HOURS * 60 // 100):
            traveller.shift(timedelta(minutes=100))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=100))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_handed_over_password_must_be_changed_first(city: City) -> None:
    from minsheng.accounts.services import user_reset_password

    user = city.users["county"]
    password = user_reset_password(actor=city.users["admin"], user=user)
    client = Client()
    assert _login(client, "county", password) == 302
    page = client.get(reverse("home"))
    assert page.status_code == 302 and page["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    weak = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "minsheng-demo-2025",
            "new_password2": "minsheng-demo-2025",
        },
    )
    assert weak.status_code == 200 and "已公开" in weak.content.decode()
    lower = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "onlylowercaseletters",
            "new_password2": "onlylowercaseletters",
        },
    )
    assert "至少 3 类" in lower.content.decode()
    done = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Qinghe-2026-ok",
            "new_password2": "Qinghe-2026-ok",
        },
    )
    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password
