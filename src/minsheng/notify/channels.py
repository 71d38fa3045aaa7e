"""Sending one delivery through its channel. Each sender returns "" when the message was
taken, or the reason it was not (one line, kept on the delivery and retried later)."""

from __future__ import annotations

import json
import smtplib
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from minsheng.core import robots
from minsheng.notify.models import Channel, Contact, Delivery

TIMEOUT = 10


def email_configured() -> bool:
    return bool(settings.EMAIL_HOST)


def sms_configured() -> bool:
    return bool(settings.MINSHENG_SMS_URL)


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """POST JSON and return the decoded reply (None when it is not JSON); raises OSError."""
    data = json.dumps(payload, ensure_ascii=False).encode()
    if not url.startswith(("http://", "https://")):
        raise urllib.error.URLError("not an http(s) address")
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url,
        data=data,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (configured)
        body = response.read()
    try:
        return json.loads(body or b"null")
    except ValueError:
        return None


def _error(exc: Exception) -> str:
    """The reason in Chinese (the delivery log is read by the office)."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"对方服务器返回错误（状态码 {exc.code}）"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "连接超时"
    if isinstance(exc, urllib.error.URLError):
        return "无法连接对方服务器"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "邮件服务器拒收这个地址"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"邮件服务器拒绝（代码 {exc.smtp_code}）"
    if isinstance(exc, smtplib.SMTPException | ConnectionError):
        return "无法连接邮件服务器"
    return "发送失败"


def _absolute(url: str) -> str:
    base = getattr(settings, "MINSHENG_SITE_URL", "")
    return f"{base.rstrip('/')}{url}" if base and url.startswith("/") else ""


def send(delivery: Delivery) -> str:
    note = delivery.notification
    link = _absolute(note.url)
    try:
        if delivery.channel == Channel.EMAIL:
            body = note.body + (f"\n\n{link}" if link else "")
            send_mail(note.title, body, settings.DEFAULT_FROM_EMAIL, [note.user.email])
            return ""
        if delivery.channel == Channel.SMS:
            contact = Contact.objects.filter(user=note.user).first()
            if contact is None:
                return "没有手机号"
            from minsheng.reviews.services.contact import decrypt

            headers = (
                {"Authorization": f"Bearer {settings.MINSHENG_SMS_TOKEN}"}
                if settings.MINSHENG_SMS_TOKEN
                else {}
            )
            reply = post_json(
                settings.MINSHENG_SMS_URL,
                {"phone": decrypt(contact.phone_cipher), "text": f"{note.title}：{note.body}"},
                headers,
            )
            code = reply.get("code", 0) if isinstance(reply, dict) else 0
            return "" if code == 0 else f"短信网关错误码 {code}"
        robot = delivery.robot
        if robot is None:
            return "没有群机器人"
        if delivery.channel == Channel.WECOM:
            reply = post_json(robot.url, robots.wecom_payload(note.title, note.body, link))
        else:
            url = robots.dingtalk_url(robot.url, robot.secret, int(time.time() * 1000))
            reply = post_json(url, robots.dingtalk_payload(note.title, note.body, link))
        return robots.reply_error(reply)
    except (OSError, smtplib.SMTPException) as exc:
        return _error(exc)
