"""Every response carries a strict Content-Security-Policy (local files only), a
Permissions-Policy, and HSTS behind HTTPS."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import City


def test_pages_and_api_carry_the_security_headers(city: City) -> None:
    for response in (
        city.client("quality").get(reverse("home")),
        Client().get(reverse("login")),
        Client().get("/api/indicators"),
    ):
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "'unsafe-eval'" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in response


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_behind_https() -> None:
    response = Client().get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_the_https_setting_turns_on_hsts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib

    import minsheng.site.settings as live

    monkeypatch.setenv("MINSHENG_HTTPS", "1")
    try:
        reloaded = importlib.reload(live)
        assert reloaded.SECURE_HSTS_SECONDS >= 180 * 24 * 3600
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.SECURE_SSL_REDIRECT
    finally:
        monkeypatch.delenv("MINSHENG_HTTPS")
        importlib.reload(live)
