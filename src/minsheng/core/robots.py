"""Message bodies for work-group robots, as their platforms document them.

- 企业微信群机器人: POST ``{"msgtype": "markdown", "markdown": {"content": …}}`` to the
  webhook address (``…/cgi-bin/webhook/send?key=…``); content at most 4,096 bytes (UTF-8);
  the reply is ``{"errcode": 0, "errmsg": "ok"}`` on success.
- 钉钉自定义机器人: POST ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``;
  with 加签 the address gets ``&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(secret,
  "<ms>\\n<secret>")))>``; the reply is ``{"errcode": 0, …}`` on success.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from typing import Any

WECOM_MAX_BYTES = 4096


def _cut(text: str, max_bytes: int) -> str:
    raw = text.encode()
    if len(raw) <= max_bytes:
        return text
    return raw[: max_bytes - 3].decode(errors="ignore") + "…"


def markdown(title: str, body: str, link: str = "") -> str:
    lines = [f"**{title}**", "", body.strip()]
    if link:
        lines += ["", f"[查看详情]({link})"]
    return "\n".join(line for line in lines if line is not None).strip()


def wecom_payload(title: str, body: str, link: str = "") -> dict[str, Any]:
    return {
        "msgtype": "markdown",
        "markdown": {"content": _cut(markdown(title, body, link), WECOM_MAX_BYTES)},
    }


def dingtalk_payload(title: str, body: str, link: str = "") -> dict[str, Any]:
    text = markdown(title, body, link)
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def reply_error(reply: Any) -> str:
    """ "" when a robot's JSON reply says the message was taken, else its error in one line."""
    if not isinstance(reply, dict):
        return "回复不是 JSON 对象"
    code = reply.get("errcode")
    if code == 0:
        return ""
    return f"错误码 {code}：{reply.get('errmsg', '')}"[:300]
