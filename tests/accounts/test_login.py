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
