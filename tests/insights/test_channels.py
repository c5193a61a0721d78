"""Channels against real servers on loopback: signatures, payloads, retries, SMTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
from email import message_from_bytes, policy
from typing import Any

from shopkpi.appdb.db import AppDB
from shopkpi.insights.channels import ChannelSpec, ChannelType, Message, RetryPolicy, Sender
from tests.insights.conftest import Hook, Reply

SECRET = "SECtest-secret"
ENV = {"ROBOT_SECRET": SECRET, "SMTP_USER": "alerts@shop.test", "SMTP_PASSWORD": "pw-123"}
MESSAGE = Message("GMV 进度预警", "### GMV 进度预警\n\n进度比 0.8 < 0.9")


def _sender(db: AppDB, sleeps: list[float], **kw: Any) -> Sender:
    return Sender(db, ENV, sleep=sleeps.append, clock=lambda: 1_700_000_000.0, **kw)


def _spec(kind: ChannelType, hook: Hook, **kw: Any) -> ChannelSpec:
    return ChannelSpec(id="robot", type=kind, webhook=hook.url, **kw)


def _attempts(db: AppDB) -> list[tuple[int, str, int | None]]:
    rows = sorted(db.deliveries(), key=lambda d: d["id"])
    return [(d["attempt"], d["status"], d["status_code"]) for d in rows]


def test_dingtalk_signature_checked_by_the_server(db: AppDB, hook: Hook) -> None:
    sleeps: list[float] = []
    spec = _spec(ChannelType.dingtalk, hook, secret_env="ROBOT_SECRET")
    result = _sender(db, sleeps).send(spec, MESSAGE, alert_id=7)
    assert (result.ok, result.attempts) == (True, 1)
    post = hook.posts[0]
    assert post["query"]["access_token"] == "tok"
    assert post["query"]["timestamp"] == "1700000000000"  # milliseconds
    # What DingTalk does on receipt: HMAC-SHA256(secret, "timestamp\nsecret"), base64.
    string_to_sign = f"{post['query']['timestamp']}\n{SECRET}".encode()
    expected = base64.b64encode(hmac.new(SECRET.encode(), string_to_sign, hashlib.sha256).digest())
    assert (
        post["query"]["sign"] == expected.decode() == "LC7hxZ4wslL+P7j7gu1hoQ+wzByekL+yWgiUMekZs0g="
    )
    # ... url-encoded on the wire ("+" and "=" escaped).
    assert post["raw_query"].endswith("&sign=LC7hxZ4wslL%2BP7j7gu1hoQ%2BwzByekL%2ByWgiUMekZs0g%3D")
    assert post["body"] == {
        "msgtype": "markdown",
        "markdown": {"title": "GMV 进度预警", "text": "### GMV 进度预警\n\n进度比 0.8 < 0.9"},
    }
    assert db.deliveries()[0] | {"at": None, "id": None} == {
        "id": None, "alert_id": 7, "channel": "robot", "attempt": 1, "status": "sent",
        "status_code": 200, "result": '{"errcode": 0, "errmsg": "ok"}', "error": None, "at": None,
    }  # fmt: skip


def test_wecom_markdown_payload(db: AppDB, hook: Hook) -> None:
    _sender(db, []).send(_spec(ChannelType.wecom, hook), MESSAGE, alert_id=1)
    assert hook.posts[0]["body"] == {
        "msgtype": "markdown",
        "markdown": {"content": "### GMV 进度预警\n\n进度比 0.8 < 0.9"},
    }


def test_feishu_signature_in_the_body(db: AppDB, hook: Hook) -> None:
    hook.replies.append(Reply(body={"code": 0, "msg": "success"}))
    spec = _spec(ChannelType.feishu, hook, secret_env="ROBOT_SECRET")
    assert _sender(db, []).send(spec, MESSAGE, alert_id=1).ok
    body = hook.posts[0]["body"]
    # Feishu: key = "timestamp\nsecret" (seconds), message empty, base64.
    key = f"1700000000\n{SECRET}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body == {
        "timestamp": "1700000000",
        "sign": expected,
        "msg_type": "text",
        "content": {"text": "### GMV 进度预警\n\n进度比 0.8 < 0.9"},
    }
    assert expected == "w45RjJ/JLSmtVNrVDMFrFhYJls6HgrtlxG/UFs43++0="


def test_feishu_without_secret_sends_no_signature(db: AppDB, hook: Hook) -> None:
    _sender(db, []).send(_spec(ChannelType.feishu, hook), MESSAGE, alert_id=1)
    assert set(hook.posts[0]["body"]) == {"msg_type", "content"}


def test_retries_with_backoff_on_500_then_success(db: AppDB, hook: Hook) -> None:
    hook.replies += [Reply(500, {"error": "busy"}), Reply(502, {"error": "gateway"})]
    sleeps: list[float] = []
    result = _sender(db, sleeps).send(_spec(ChannelType.wecom, hook), MESSAGE, alert_id=3)
    assert (result.ok, result.attempts) == (True, 3)
    assert sleeps == [0.5, 1.0]
    assert len(hook.posts) == 3
    assert _attempts(db) == [(1, "retry", 500), (2, "retry", 502), (3, "sent", 200)]


def test_gives_up_after_three_retries(db: AppDB, hook: Hook) -> None:
    hook.replies += [Reply(503, {}) for _ in range(5)]
    sleeps: list[float] = []
    result = _sender(db, sleeps).send(_spec(ChannelType.wecom, hook), MESSAGE, alert_id=3)
    assert (result.ok, result.attempts, result.error) == (False, 4, "服务端错误 HTTP 503")
    assert sleeps == [0.5, 1.0, 2.0]
    assert [a[1] for a in _attempts(db)] == ["retry", "retry", "retry", "failed"]


def test_no_retry_on_400(db: AppDB, hook: Hook) -> None:
    hook.replies.append(Reply(400, {"errcode": 40035, "errmsg": "bad"}))
    sleeps: list[float] = []
    result = _sender(db, sleeps).send(_spec(ChannelType.dingtalk, hook), MESSAGE, alert_id=3)
    assert (result.ok, result.attempts, result.error) == (False, 1, "请求被拒绝 HTTP 400")
    assert sleeps == []
    assert len(hook.posts) == 1
    assert _attempts(db) == [(1, "failed", 400)]


def test_robot_error_code_is_a_failure_without_retry(db: AppDB, hook: Hook) -> None:
    hook.replies.append(Reply(200, {"errcode": 310000, "errmsg": "sign not match"}))
    result = _sender(db, []).send(_spec(ChannelType.dingtalk, hook), MESSAGE, alert_id=3)
    assert (result.ok, result.attempts) == (False, 1)
    assert result.error == "机器人返回错误 310000：sign not match"


def test_timeout_is_retried(db: AppDB, hook: Hook) -> None:
    hook.replies.append(Reply(delay=0.5))
    sleeps: list[float] = []
    spec = _spec(ChannelType.wecom, hook, timeout_seconds=0.1)
    result = _sender(db, sleeps, policy=RetryPolicy(retries=1)).send(spec, MESSAGE, alert_id=3)
    assert (result.ok, result.attempts, sleeps) == (True, 2, [0.5])
    first = sorted(db.deliveries(), key=lambda d: d["id"])[0]
    assert (first["status"], first["status_code"]) == ("retry", None)
    assert first["error"].startswith("超时")


def test_missing_secret_is_recorded_and_nothing_sent(db: AppDB, hook: Hook) -> None:
    spec = _spec(ChannelType.dingtalk, hook, secret_env="NOT_SET")
    result = _sender(db, []).send(spec, MESSAGE, alert_id=3)
    assert (result.ok, result.attempts, result.error) == (False, 1, "环境变量 NOT_SET 未设置")
    assert hook.posts == []


def test_email_over_smtp(db: AppDB, smtp_server: tuple[int, list[dict[str, Any]]]) -> None:
    port, received = smtp_server
    spec = ChannelSpec(
        id="mail", type=ChannelType.email, host="127.0.0.1", port=port, tls="none",
        user_env="SMTP_USER", password_env="SMTP_PASSWORD", sender="alerts@shop.test",
        to=["boss@shop.test", "ops@shop.test"],
    )  # fmt: skip
    result = _sender(db, []).send(spec, MESSAGE, alert_id=5)
    assert (result.ok, result.attempts) == (True, 1)
    mail = received[0]
    assert base64.b64decode(mail["auth"].split()[1]) == b"\0alerts@shop.test\0pw-123"
    assert mail["from"] == "FROM:<alerts@shop.test>"
    assert mail["rcpt"] == ["TO:<boss@shop.test>", "TO:<ops@shop.test>"]
    parsed = message_from_bytes(mail["data"], policy=policy.default)
    assert str(parsed["Subject"]) == "GMV 进度预警"
    assert parsed["To"] == "boss@shop.test, ops@shop.test"
    assert parsed.get_content().replace("\r\n", "\n") == "### GMV 进度预警\n\n进度比 0.8 < 0.9\n"
    assert _attempts(db) == [(1, "sent", 250)]


def test_email_connection_refused_is_retried(db: AppDB) -> None:
    spec = ChannelSpec(
        id="mail", type=ChannelType.email, host="127.0.0.1", port=1, tls="none",
        sender="a@shop.test", to=["b@shop.test"], timeout_seconds=1,
    )  # fmt: skip
    sleeps: list[float] = []
    result = _sender(db, sleeps, policy=RetryPolicy(retries=2)).send(spec, MESSAGE, alert_id=5)
    assert (result.ok, result.attempts, sleeps) == (False, 3, [0.5, 1.0])
    assert result.error is not None and result.error.startswith("SMTP 连接失败")
