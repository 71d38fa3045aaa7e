from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from minsheng.site.env import database_from_url, env_bool, env_choice, env_int


def test_sqlite_urls_relative_and_absolute() -> None:
    assert database_from_url("sqlite:///var/x.sqlite3")["NAME"] == "var/x.sqlite3"
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"


def test_postgres_url_is_split_into_parts() -> None:
    db = database_from_url("postgresql://ms:p%40ss@db.local:5433/minsheng?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "ms",
        "p@ss",
        "db.local",
        "5433",
        "minsheng",
    )
    assert db["OPTIONS"] == {"connect_timeout": 5, "sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "unsupported scheme 'mysql'"),
        ("postgresql://localhost/", "needs a database name"),
        ("postgresql://localhost:port/db", "port is not a number"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_bad_database_urls_name_the_problem(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


def test_bad_env_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    monkeypatch.setenv("X_LOW", "0")
    monkeypatch.setenv("X_CHOICE", "fast")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL='maybe' is not a boolean"):
        env_bool("X_BOOL", False)
    with pytest.raises(ImproperlyConfigured, match="X_INT='ten' is not a whole number"):
        env_int("X_INT", 1)
    with pytest.raises(ImproperlyConfigured, match="X_LOW=0 is below the minimum 1"):
        env_int("X_LOW", 1, minimum=1)
    with pytest.raises(ImproperlyConfigured, match="X_CHOICE='fast' is not one of"):
        env_choice("X_CHOICE", "a", ("a", "b"))


def test_unset_env_values_take_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_UNSET", raising=False)
    assert env_bool("X_UNSET", True) is True
    assert env_int("X_UNSET", 7) == 7
