"""Notification pages: my messages (only mine; opening one marks it read), my preferences and
number, and the office's robots and delivery log (refused to everyone else)."""

from __future__ import annotations

from django.urls import reverse

from minsheng.notify.models import Channel, GroupRobot, Kind, Notification, Preference
from minsheng.notify.services import notify
from tests.conftest import City


def test_inbox_shows_mine_and_opening_marks_read(city: City) -> None:
    me, other = city.users["county"], city.users["other_county"]
    notify([me], Kind.TASK_URGED, "催办：我的任务", "", "/supervision/")
    notify([other], Kind.TASK_URGED, "催办：别人的任务")
    page = city.client("county").get(reverse("notifications"))
    body = page.content.decode()
    assert "催办：我的任务" in body and "别人的任务" not in body
    assert 'data-testid="unread-count"' in body
    mine = Notification.objects.get(title="催办：我的任务")
    theirs = Notification.objects.get(title="催办：别人的任务")
    opened = city.client("county").get(reverse("notification_open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/supervision/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    refused = city.client("county").get(reverse("notification_open", args=[theirs.pk]))
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    city.client("county").post(reverse("notifications"))
    assert not Notification.objects.filter(user=me, read_at=None).exists()
    assert Notification.objects.filter(user=other, read_at=None).exists()


def test_anonymous_is_sent_to_login(city: City) -> None:
    for name in ("notifications", "notification_settings", "notification_robots"):
        response = city.client(None).get(reverse(name))
        assert response.status_code == 302 and "/login" in response["Location"]


def test_preferences_and_phone(city: City) -> None:
    client = city.client("reporter")
    bad = client.post(reverse("notification_settings"), {"phone": "abc"})
    assert bad.status_code == 400 and "11 位" in bad.content.decode()
    assert not Preference.objects.exists()  # nothing saved with a bad number
    ok = client.post(
        reverse("notification_settings"),
        {"phone": "13900139000", f"{Kind.TASK_ESCALATED}:{Channel.SMS}": "on"},
    )
    assert ok.status_code == 302
    chosen = {
        (p.kind, p.channel): p.enabled
        for p in Preference.objects.filter(user=city.users["reporter"])
    }
    assert chosen[(Kind.TASK_ESCALATED, Channel.SMS)] is True
    assert chosen[(Kind.TASK_ASSIGNED, Channel.EMAIL)] is False  # unticked boxes turn off


def test_robots_page_is_the_office_s(city: City) -> None:
    url = reverse("notification_robots")
    for outsider in ("reporter", "county", "window", "vendor", "leader"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    office = city.client("quality")
    assert office.get(url).status_code == 200
    unit = city.users["county"].organisation
    assert unit is not None
    added = office.post(
        url,
        {
            "action": "add",
            "organisation": unit.pk,
            "channel": Channel.WECOM,
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        },
    )
    assert added.status_code == 302 and GroupRobot.objects.filter(organisation=unit).exists()
    bad = office.post(
        url, {"action": "add", "organisation": unit.pk, "channel": "wecom", "url": "not a url"}
    )
    assert bad.status_code == 400 and "网址" in bad.content.decode()
    # Another city's office can neither add a robot for this unit nor delete its robot.
    other = city.client("other_quality")
    refused = other.post(
        url,
        {"action": "add", "organisation": unit.pk, "channel": "wecom", "url": "https://x.cn/"},
    )
    assert refused.status_code == 400 and GroupRobot.objects.count() == 1
    robot = GroupRobot.objects.get()
    assert other.post(url, {"action": "delete", "robot": robot.pk}).status_code == 404
    assert office.post(url, {"action": "delete", "robot": robot.pk}).status_code == 302
    assert not GroupRobot.objects.exists()


def test_messages_over_the_api(city: City) -> None:
    import json

    from django.test import Client

    from minsheng.accounts.models import ApiScope
    from minsheng.accounts.services import api_client_issue

    me = city.users["county"]
    Notification.objects.filter(user=me).delete()
    notify([me], Kind.TASK_URGED, "催办一")
    notify([me], Kind.TASK_URGED, "催办二")
    notify([city.users["other_county"]], Kind.TASK_URGED, "别人的")
    client = city.client("county")
    got = client.get("/api/notifications").json()
    assert got["total"] == 2 and got["unread"] == 2
    assert [n["title"] for n in got["items"]] == ["催办二", "催办一"]
    first = got["items"][1]["id"]
    marked = client.post(
        "/api/notifications/read", json.dumps({"ids": [first]}), content_type="application/json"
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/notifications", {"unread": "true"}).json()["total"] == 1
    # Another person's ids are not theirs to mark.
    other = Notification.objects.get(title="别人的")
    assert client.post(
        "/api/notifications/read",
        json.dumps({"ids": [other.pk]}),
        content_type="application/json",
    ).json() == {"marked": 0}
    assert Client().get("/api/notifications").status_code == 401
    _, token = api_client_issue(
        actor=city.users["admin"],
        name="看板",
        organisation=city.users["quality"].organisation,
        scopes=[ApiScope.READ_INDICATORS],
    )
    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get("/api/notifications").status_code == 403
