"""Shared fixtures: the test-scale demo city and named personas (after healthchecks' hc/test.py).

Personas: ``quality`` (city quality office), ``other_quality`` (the quality office of another
city of the province), ``leader``, ``reporter`` (市教育体育局), ``county``
(officer of the first county), ``township`` (officer of its first township), ``window`` (staff of
the first county's centre), ``vendor``, ``admin``; and outsiders: ``other_county`` (officer of
the second county), ``other_reporter`` (reporter of 市卫生健康委), ``other_window`` (staff of
the second county's centre).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from minsheng.accounts.models import Role, User
from minsheng.core.demo_plan import Scale
from minsheng.core.regions import Level
from minsheng.demo.registry import DemoContext
from minsheng.demo.services import demo_build
from minsheng.orgs.models import Organisation, Region

PASSWORD = "test-pass-123"


@dataclass
class City:
    ctx: DemoContext
    users: dict[str, User]
    county: Region
    other_county: Region
    township: Region
    other_township: Region  # in the other county

    def client(self, username: str | None) -> Client:
        client = Client()
        if username is not None:
            client.force_login(self.users[username])
        return client


def _user(username: str, role: Role, org: Organisation) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, organisation=org, display_name=username
    )


def build_city() -> City:
    ctx = demo_build(scale=Scale.TEST, seed=7, password=PASSWORD)
    counties = list(Region.objects.filter(level=Level.COUNTY).order_by("code"))
    county, other_county = counties[0], counties[1]
    users = dict(ctx.users)
    users["other_county"] = _user(
        "other_county",
        Role.REGION_OFFICER,
        Organisation.objects.get(key=f"gov-{other_county.code}"),
    )
    city_code = county.parent.code  # type: ignore[union-attr]
    users["other_reporter"] = _user(
        "other_reporter",
        Role.DEPARTMENT_REPORTER,
        Organisation.objects.get(key=f"dept-{city_code}-health"),
    )
    users["other_window"] = _user(
        "other_window",
        Role.WINDOW_STAFF,
        Organisation.objects.get(key=f"centre-{other_county.code}"),
    )
    # A second city with its own quality office: the outsider for city-wide roles.
    province = county.province
    assert province is not None
    other_city = Region.objects.create(
        code=f"{province.code[:2]}99" + "0" * 8,
        name="外市",
        level=Level.CITY,
        parent=province,
        province=province,
    )
    Region.objects.filter(pk=other_city.pk).update(city=other_city)
    users["other_quality"] = _user(
        "other_quality",
        Role.QUALITY_OFFICE,
        Organisation.objects.create(
            key="quality-other", name="外市质量办", kind="quality_office", region=other_city
        ),
    )
    township = Region.objects.filter(parent=county).order_by("code").first()
    other_township = Region.objects.filter(parent=other_county).order_by("code").first()
    assert township is not None and other_township is not None
    return City(ctx, users, county, other_county, township, other_township)


# The demo city is built once per test session, committed, and each test that asks for it
# runs inside a transaction that is rolled back (pytest-django's ``db``), so every test still
# starts from the same city. Tests that commit (``transaction=True``, the live server) run after
# all others (pytest-django orders them last); the first of them empties the database, as
# before, and builds what it needs itself.
_BUILT: dict[str, City] = {}


@pytest.fixture(scope="session")
def _city_once(django_db_setup: Any, django_db_blocker: Any) -> City:
    with django_db_blocker.unblock():
        built = build_city()
    _BUILT["city"] = built
    return built


@pytest.fixture
def city(_city_once: City, db: Any) -> City:
    if "city" not in _BUILT:  # emptied by a committing test: build it in this test's transaction
        return build_city()
    # Fresh instances each test: a test that changes a user in memory leaves the next alone.
    users = {name: User.objects.get(pk=u.pk) for name, u in _city_once.users.items()}
    regions = Region.objects.in_bulk(
        [
            r.pk
            for r in (
                _city_once.county,
                _city_once.other_county,
                _city_once.township,
                _city_once.other_township,
            )
        ]
    )
    return City(
        _city_once.ctx,
        users,
        regions[_city_once.county.pk],
        regions[_city_once.other_county.pk],
        regions[_city_once.township.pk],
        regions[_city_once.other_township.pk],
    )


@pytest.fixture(autouse=True)
def _empty_for_committing_tests(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """A test that commits starts from an empty database, as it did before the shared city."""
    if "city" not in _BUILT:
        return
    marker = request.node.get_closest_marker("django_db")
    committing = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if committing:
        from django.core.management import call_command

        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        del _BUILT["city"]


@pytest.fixture(autouse=True)
def _own_analytics_store(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own analytics store: a rolled-back test's ratings (whose ids the next test
    may reuse) must not be counted by the next."""
    settings.MINSHENG_ANALYTICS_DIR = str(tmp_path_factory.mktemp("analytics"))


@pytest.fixture(autouse=True)
def _fresh_shared_lookups() -> None:
    """The ratings API keeps name lookups for a minute across requests and the poll results
    page its computations; every test has a new database, so none may see the previous test's."""
    from minsheng.polls.memo import memo_clear
    from minsheng.reviews.services.directory import clear_shared

    clear_shared()
    memo_clear()


def token_client(city: City, scopes: list[str], organisation: Organisation) -> Client:
    """A test client carrying a new machine client's token (issued by the demo's admin)."""
    from minsheng.accounts.services import api_client_issue

    _, token = api_client_issue(
        actor=city.users["admin"], name=f"{organisation.key}-{scopes}", organisation=organisation,
        scopes=scopes,
    )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def on_spark(settings: Any, monkeypatch: pytest.MonkeyPatch, module: Any) -> list[str]:
    """Set the store's engine to Apache Spark in local mode; the list fills with the name of
    each engine ``module`` asks for (so a test can show Spark did the work)."""
    from minsheng.analytics import store

    pytest.importorskip("pyspark")
    settings.MINSHENG_ANALYTICS = "spark"
    settings.MINSHENG_SPARK_MASTER = "local[2]"
    used: list[str] = []

    def spy() -> Any:
        reader = store.engine()
        used.append(reader.name)
        return reader

    monkeypatch.setattr(module, "engine", spy)
    return used


def post_and_run_job(client: Client, url: str, data: dict[str, Any]) -> Any:
    """POST a form that starts a background job, run the job here (as the worker would, after
    the request's transaction commits) and return the job page's response."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from minsheng.jobs.models import JobRun

    with pytest.MonkeyPatch.context() as patch:  # the test's transaction never commits
        patch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())
        response = client.post(url, data)
    if response.status_code != 302 or "/jobs/" not in response["Location"]:
        return response
    for queued in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"):
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        queued.delete()
    run = JobRun.objects.order_by("-pk").first()
    assert run is not None
    return client.get(response["Location"])


@pytest.fixture
def smtp(settings: Any) -> Any:
    """A real SMTP server on a free port, with the e-mail channel pointed at it."""
    from tests.servers import smtp_server

    for port, box in smtp_server():
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        yield box


@pytest.fixture
def receiver() -> Any:
    """A real HTTP server on a free port that keeps what it is sent (robots, SMS gateway)."""
    from tests.servers import http_receiver

    yield from http_receiver()
