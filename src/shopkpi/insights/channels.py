"""Alert channels: DingTalk, WeCom and Feishu group robots, email (SMTP) and the web inbox.

Each channel turns an alert into one request. Sending retries with exponential backoff on
a 5xx answer, a timeout or a connection error (``RetryPolicy``: 0.5 s, 1 s, 2 s), never on
a 4xx answer or a robot's own error code; every attempt is written to ``alert_delivery``.
Secrets (robot signing secrets, SMTP user and password) are read from environment
variables named in ``alerts.yaml``, never written in the file.

Signatures follow the platforms' documentation:

- DingTalk (钉钉自定义机器人加签): ``sign = urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp}\\n{secret}")))`` with the timestamp in milliseconds, appended to the
  webhook as ``&timestamp=…&sign=…``.
- Feishu (飞书自定义机器人签名校验): ``sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}",
  msg=b""))`` with the timestamp in seconds, sent in the JSON body next to the message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.qa_state import AlertRecord

Sleep = Callable[[float], None]
Clock = Callable[[], float]  # seconds since the epoch


class ChannelType(StrEnum):
    dingtalk = "dingtalk"  # 钉钉群机器人
    wecom = "wecom"  # 企业微信群机器人
    feishu = "feishu"  # 飞书群机器人
    email = "email"
    inbox = "inbox"  # the web inbox: the app DB alert table


class ChannelSpec(BaseModel):
    """One channel of ``alerts.yaml`` (``*_env``: the name of an environment variable)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    type: ChannelType
    webhook: str | None = None
    secret_env: str | None = None
    host: str | None = None
    host_env: str | None = None
    port: int | None = None
    port_env: str | None = None
    user_env: str | None = None
    password_env: str | None = None
    sender: str | None = None
    to: list[str] = []
    tls: str = Field("starttls", pattern="^(starttls|ssl|none)$")
    timeout_seconds: float = Field(5.0, gt=0)

    def problems(self) -> list[str]:
        """What this channel lacks for its type (the loader reports each with its line)."""
        if self.type in WEBHOOK_TYPES and not self.webhook:
            return [f"渠道 {self.id}：{self.type.value} 需要 webhook"]
        if self.type is ChannelType.email:
            out = [] if self.to else [f"渠道 {self.id}：email 需要收件人 to"]
            if not (self.host or self.host_env):
                out.append(f"渠道 {self.id}：email 需要 host 或 host_env")
            return out + ([] if self.sender else [f"渠道 {self.id}：email 需要发件人 sender"])
        return []


WEBHOOK_TYPES = frozenset({ChannelType.dingtalk, ChannelType.wecom, ChannelType.feishu})
INBOX = ChannelSpec(id="inbox", type=ChannelType.inbox)


@dataclass(frozen=True)
class Message:
    """What a channel sends: a title and a markdown body."""

    title: str
    text: str


@dataclass(frozen=True)
class Answer:
    """One attempt's result: ``retry`` asks for another attempt."""

    ok: bool
    retry: bool
    status_code: int | None = None
    result: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Up to ``retries`` more attempts after the first, waiting ``first_delay × 2ⁿ``."""

    retries: int = 3
    first_delay: float = 0.5

    def delays(self) -> list[float]:
        return [self.first_delay * 2**n for n in range(self.retries)]


@dataclass(frozen=True)
class Delivery:
    """The outcome of sending one alert to one channel."""

    channel: str
    ok: bool
    attempts: int
    error: str | None


class SecretMissing(Exception):
    """An environment variable named in ``alerts.yaml`` is not set."""


@dataclass
class Sender:
    """Sends messages with retries, recording every attempt in the app DB.

    Args:
        env: where ``*_env`` names are looked up (``os.environ`` by default).
        sleep / clock: injectable for tests (backoff waits; signature timestamps).
    """

    db: AppDB
    env: Mapping[str, str]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = time.sleep
    clock: Clock = time.time
    transport: httpx.BaseTransport | None = None

    def send(self, spec: ChannelSpec, message: Message, alert_id: int | None) -> Delivery:
        waits = [*self.policy.delays(), None]
        for attempt, wait in enumerate(waits, start=1):
            answer = self._attempt(spec, message)
            status = "sent" if answer.ok else ("retry" if answer.retry and wait else "failed")
            self.db.record_delivery(
                alert_id, spec.id, attempt, status=status, status_code=answer.status_code,
                result=(answer.result or "")[:512] or None, error=answer.error,
            )  # fmt: skip
            if status != "retry" or wait is None:
                return Delivery(spec.id, answer.ok, attempt, answer.error)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, spec: ChannelSpec, message: Message) -> Answer:
        try:
            channel = CHANNELS[spec.type]
            return channel.send(spec, message, self)
        except SecretMissing as exc:
            return Answer(ok=False, retry=False, error=str(exc))

    def secret(self, name: str | None) -> str | None:
        if name is None:
            return None
        value = self.env.get(name)
        if not value:
            raise SecretMissing(f"环境变量 {name} 未设置")
        return value

    def post(self, url: str, body: Mapping[str, Any], timeout: float) -> Answer:
        """POST JSON; 5xx, timeouts and connection errors may be retried, 4xx never."""
        try:
            with httpx.Client(timeout=timeout, transport=self.transport) as client:
                response = client.post(url, json=body)
        except httpx.TimeoutException as exc:
            return Answer(ok=False, retry=True, error=f"超时：{exc}")
        except httpx.TransportError as exc:
            return Answer(ok=False, retry=True, error=f"连接失败：{exc}")
        return _judge(response)


def _judge(response: httpx.Response) -> Answer:
    code, text = response.status_code, response.text
    if code >= 500:
        return Answer(False, True, code, text, f"服务端错误 HTTP {code}")
    if code >= 400:
        return Answer(False, False, code, text, f"请求被拒绝 HTTP {code}")
    try:
        body = response.json()
    except ValueError:
        body = {}
    # DingTalk and WeCom answer {"errcode": 0}; Feishu {"code": 0} (older: StatusCode).
    err = next((body[k] for k in ("errcode", "code", "StatusCode") if k in body), 0)
    if err not in (0, "0"):
        msg = body.get("errmsg") or body.get("msg") or ""
        return Answer(False, False, code, text, f"机器人返回错误 {err}：{msg}")
    return Answer(True, False, code, text)


class Channel(Protocol):
    def send(self, spec: ChannelSpec, message: Message, sender: Sender) -> Answer: ...


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature, url-encoded, for a millisecond timestamp."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature for a timestamp in seconds (the key is the signed string)."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


class DingTalk:
    def send(self, spec: ChannelSpec, message: Message, sender: Sender) -> Answer:
        url = str(spec.webhook)
        secret = sender.secret(spec.secret_env)
        if secret is not None:
            ts = int(sender.clock() * 1000)
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.text}}
        return sender.post(url, body, spec.timeout_seconds)


class WeCom:
    def send(self, spec: ChannelSpec, message: Message, sender: Sender) -> Answer:
        body = {"msgtype": "markdown", "markdown": {"content": message.text}}
        return sender.post(str(spec.webhook), body, spec.timeout_seconds)


class Feishu:
    def send(self, spec: ChannelSpec, message: Message, sender: Sender) -> Answer:
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": message.text}}
        secret = sender.secret(spec.secret_env)
        if secret is not None:
            ts = int(sender.clock())
            body = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}
        return sender.post(str(spec.webhook), body, spec.timeout_seconds)


class Email:
    def send(self, spec: ChannelSpec, message: Message, sender: Sender) -> Answer:
        host = spec.host or sender.secret(spec.host_env) or ""
        port = spec.port or int(sender.secret(spec.port_env) or 0)
        mail = EmailMessage()
        mail["Subject"], mail["From"], mail["To"] = message.title, spec.sender, ", ".join(spec.to)
        mail.set_content(message.text)
        user, password = sender.secret(spec.user_env), sender.secret(spec.password_env)
        smtp_class = smtplib.SMTP_SSL if spec.tls == "ssl" else smtplib.SMTP
        default_port = 465 if spec.tls == "ssl" else 587 if spec.tls == "starttls" else 25
        try:
            with smtp_class(host, port or default_port, timeout=spec.timeout_seconds) as smtp:
                if spec.tls == "starttls":
                    smtp.starttls()
                if user and password:
                    smtp.login(user, password)
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            return Answer(False, False, None, str(exc.recipients)[:512], "收件人被拒绝")
        except smtplib.SMTPResponseException as exc:
            transient = 400 <= exc.smtp_code < 500  # SMTP 4xx is temporary, 5xx permanent
            return Answer(False, transient, exc.smtp_code, None, f"SMTP {exc.smtp_code}")
        except (OSError, smtplib.SMTPException) as exc:
            return Answer(False, True, None, None, f"SMTP 连接失败：{exc}")
        if refused:
            return Answer(False, False, None, str(refused), "部分收件人被拒绝")
        return Answer(True, False, 250, "accepted")


class Inbox:
    """The web inbox is the alert row itself; sending only records that it is there."""

    def send(self, spec: ChannelSpec, message: Message, sender: Sender) -> Answer:
        return Answer(True, False, None, "stored")


CHANNELS: dict[ChannelType, Channel] = {
    ChannelType.dingtalk: DingTalk(),
    ChannelType.wecom: WeCom(),
    ChannelType.feishu: Feishu(),
    ChannelType.email: Email(),
    ChannelType.inbox: Inbox(),
}


def message_for(alert: AlertRecord) -> Message:
    """The text pushed for an alert: title, what happened, severity and time."""
    detail = alert.detail if isinstance(alert.detail, dict) else {}
    body = str(detail.get("message") or detail.get("text") or "")
    lines = [
        f"### {alert.title}",
        body,
        f"严重度：{alert.severity} · {alert.raised_at:%Y-%m-%d %H:%M} UTC",
    ]
    return Message(alert.title, "\n\n".join(line for line in lines if line))


def deliver(alert: AlertRecord, channels: Sequence[ChannelSpec], sender: Sender) -> list[Delivery]:
    """Send ``alert`` to each channel (each with its own retries); every attempt is recorded."""
    message = message_for(alert)
    return [sender.send(spec, message, alert.id) for spec in channels]
