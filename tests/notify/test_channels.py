"""The notification service against real servers: e-mail to a local SMTP server (aiosmtpd),
企业微信 and 钉钉 robots and an SMS gateway as a local HTTP receiver. Each delivery is logged
with its status; failures are retried with growing pauses and given up after the last."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from typing import Any

from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.notify.models import (
    Channel,
    Contact,
    Delivery,
    DeliveryStatus,
    GroupRobot,
    Kind,
    Notification,
)
from minsheng.notify.services import (
    RETRY_MINUTES,
    deliver_due,
    notify,
    set_phone,
    set_preferences,
)
from tests.conftest import City


def _reporter(city: City, email: str = "reporter@example.cn") -> User:
    user = city.users["reporter"]
    user.email = email
    user.save()
    return user


def test_email_reaches_a_real_smtp_server(city: City, smtp: Any) -> None:
    user = _reporter(city)
    unread = Notification.objects.filter(user=user, read_at=None).count()
    notify([user], Kind.TASK_ASSIGNED, "您有新的督办任务", "· (一) 优化教育服务", "/supervision/")
    delivery = Delivery.objects.get(notification__user=user, channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.PENDING
    assert deliver_due() == {"sent": 1, "failed": 0, "gave_up": 0}
    (message,) = smtp.messages
    assert message["Subject"] == "您有新的督办任务"
    assert message["X-Envelope-To"] == "reporter@example.cn"
    assert "优化教育服务" in message.get_content()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.sent_at is not None
    # In-app, the message is there whatever the outside channels do.
    assert Notification.objects.filter(user=user, read_at=None).count() == unread + 1


def test_turned_off_email_is_not_sent(city: City, smtp: Any) -> None:
    user = _reporter(city)
    set_preferences(user, {(Kind.TASK_ASSIGNED, Channel.EMAIL): False})
    notify([user], Kind.TASK_ASSIGNED, "标题")
    notify([user], Kind.TASK_URGED, "催办")
    assert list(Delivery.objects.values_list("notification__kind", flat=True)) == [Kind.TASK_URGED]


def test_no_smtp_server_means_retries_then_giving_up(city: City, settings: Any) -> None:
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on discard
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    user = _reporter(city)
    notify([user], Kind.TASK_URGED, "催办")
    delivery = Delivery.objects.get()
    now = timezone.now()
    for n, pause in enumerate(RETRY_MINUTES, start=1):
        assert deliver_due(now) == {"sent": 0, "failed": 1, "gave_up": 0}
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == n
        assert delivery.last_error == "无法连接邮件服务器"
        waited = delivery.next_attempt_at - now
        assert dt.timedelta(minutes=pause) <= waited < dt.timedelta(minutes=pause, seconds=30)
        assert deliver_due(now) == {"sent": 0, "failed": 0, "gave_up": 0}  # not due yet
        now = delivery.next_attempt_at
    assert deliver_due(now) == {"sent": 0, "failed": 0, "gave_up": 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GAVE_UP and delivery.attempts == len(RETRY_MINUTES) + 1


def test_wecom_robot_gets_its_documented_markdown(city: City, receiver: Any) -> None:
    user = city.users["reporter"]
    GroupRobot.objects.create(
        organisation=user.organisation,
        channel=Channel.WECOM,
        name="教体局工作群",
        url=f"{receiver.url}/cgi-bin/webhook/send?key=abc",
    )
    colleague = User.objects.create_user(
        "colleague", role=user.role, organisation=user.organisation
    )
    notify([user, colleague], Kind.TASK_URGED, "催办：督办任务已超过完成时限", "· (一) 任务")
    assert deliver_due()["sent"] == 1  # one message for the group, not one per member
    (got,) = receiver.requests
    assert got.path == "/cgi-bin/webhook/send" and got.query == {"key": ["abc"]}
    assert got.body["msgtype"] == "markdown"
    assert got.body["markdown"]["content"].startswith("**催办：督办任务已超过完成时限**")


def test_dingtalk_robot_signs_as_documented(city: City, receiver: Any) -> None:
    user = city.users["reporter"]
    secret = "SEC0123456789abcdef"
    GroupRobot.objects.create(
        organisation=user.organisation,
        channel=Channel.DINGTALK,
        name="钉钉群",
        url=f"{receiver.url}/robot/send?access_token=t1",
        secret=secret,
    )
    notify([user], Kind.TASK_ESCALATED, "升级督办")
    assert deliver_due()["sent"] == 1
    (got,) = receiver.requests
    timestamp = got.query["timestamp"][0]
    # DingTalk's documented signature, computed here independently of the code under test.
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert got.query["sign"] == [expected] and got.query["access_token"] == ["t1"]
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60
    assert got.body["markdown"]["title"] == "升级督办"


def test_robot_error_code_and_http_error_are_retried(city: City, receiver: Any) -> None:
    user = city.users["reporter"]
    GroupRobot.objects.create(
        organisation=user.organisation, channel=Channel.WECOM, name="群", url=receiver.url
    )
    receiver.replies += [(200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (502, {})]
    notify([user], Kind.TASK_URGED, "催办")
    delivery = Delivery.objects.get()
    assert deliver_due()["failed"] == 1
    delivery.refresh_from_db()
    assert delivery.last_error == "错误码 45009：api freq out of limit"
    assert deliver_due(delivery.next_attempt_at)["failed"] == 1
    delivery.refresh_from_db()
    assert delivery.last_error == "对方服务器返回错误（状态码 502）"
    assert deliver_due(delivery.next_attempt_at)["sent"] == 1
    assert len(receiver.requests) == 3


def test_a_worker_killed_while_sending_leaves_the_delivery_to_the_next(
    city: City, receiver: Any
) -> None:
    user = city.users["reporter"]
    GroupRobot.objects.create(
        organisation=user.organisation, channel=Channel.WECOM, name="群", url=receiver.url
    )
    notify([user], Kind.TASK_URGED, "催办")
    # Claimed by a worker that died before it could record the outcome.
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() + dt.timedelta(minutes=10)
    )
    assert deliver_due()["sent"] == 0
    later = timezone.now() + dt.timedelta(minutes=11)
    assert deliver_due(later)["sent"] == 1 and len(receiver.requests) == 1


def test_sms_gateway_gets_the_number_kept_encrypted(
    city: City, receiver: Any, settings: Any
) -> None:
    settings.MINSHENG_SMS_URL = f"{receiver.url}/sms"
    settings.MINSHENG_SMS_TOKEN = "tok"
    user = city.users["county"]
    set_phone(user, "138 0013 8000")
    assert "13800138000" not in Contact.objects.get(user=user).phone_cipher
    notify([user], Kind.TASK_ASSIGNED, "新任务")  # SMS is off for this kind unless chosen
    notify([user], Kind.TASK_ESCALATED, "升级督办", "· 任务")
    assert deliver_due()["sent"] == 1
    (got,) = receiver.requests
    assert got.body == {"phone": "13800138000", "text": "升级督办：· 任务"}
    assert got.headers["Authorization"] == "Bearer tok"


def test_a_wrong_phone_number_is_refused(city: City) -> None:
    import pytest

    with pytest.raises(ValueError, match="11 位"):
        set_phone(city.users["county"], "12345")
    assert not Contact.objects.exists()


def test_deliver_and_log_are_commands(city: City, receiver: Any) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    user = city.users["reporter"]
    GroupRobot.objects.create(
        organisation=user.organisation, channel=Channel.WECOM, name="群", url=receiver.url
    )
    receiver.replies.append((500, {}))
    notify([user], Kind.TASK_URGED, "催办")
    out = StringIO()
    call_command("notify", "deliver", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 0, "failed": 1, "gave_up": 0}
    out = StringIO()
    call_command("notify", "log", "--status", "failed", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert row["to"] == "群" and row["attempts"] == 1 and "500" in row["error"]


def test_an_office_s_robot_hears_an_escalation_once(city: City, receiver: Any) -> None:
    from minsheng.accounts.models import Role
    from minsheng.supervision.messages import tell_region
    from minsheng.supervision.models import Task

    office = city.users["quality"]
    User.objects.create_user("quality2", role=Role.QUALITY_OFFICE, organisation=office.organisation)
    GroupRobot.objects.create(
        organisation=office.organisation, channel=Channel.WECOM, name="质量办群", url=receiver.url
    )
    task = Task.objects.filter(region=city.county).first()
    assert task is not None
    assert tell_region([task], Role.QUALITY_OFFICE, Kind.TASK_ESCALATED, "升级督办") == 2
    assert deliver_due()["sent"] == 1 and len(receiver.requests) == 1
