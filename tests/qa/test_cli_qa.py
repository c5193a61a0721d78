"""``shopkpi qa`` (table and JSON) and ``shopkpi token`` (create, list, revoke; audited)."""

from __future__ import annotations

import json
from datetime import datetime

from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.errors import ShopkpiError
from shopkpi.workspace import Workspace
from tests.qa.chats import SESSION_A, put_qa_chats

runner = CliRunner()


def computed_root(ws: Workspace) -> str:
    put_qa_chats(ws)
    ws.compute("2026-11", datetime(2026, 11, 20, 12))
    ws.close()
    return str(ws.root)


def test_qa_json_lists_every_finding_and_every_message_emotion(ws: Workspace) -> None:
    root = computed_root(ws)
    result = runner.invoke(app, ["qa", "--period", "2026-11", "--format", "json", "-w", root])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == "2026-11"
    assert data["summary"]["sessions"] == 2 and data["summary"]["escalated_sessions"] == 1
    absolute = [f for f in data["findings"] if f["rule"] == "compliance.absolute"]
    assert [(f["message_id"], f["session_id"], f["staff_id"], f["matched"], f["span"]) for f in absolute] == [
        ("a3", SESSION_A, "s1", "全网最低价", [7, 12])
    ]  # fmt: skip
    assert {f["category"] for f in data["findings"]} >= {
        "compliance",
        "promise",
        "gaming",
        "escalation",
    }
    assert len(data["messages"]) == 9
    by_id = {m["message_id"]: m for m in data["messages"]}
    assert by_id["b3"]["speaker"] == "buyer" and by_id["b3"]["emotion"] == "negative"
    assert by_id["b3"]["score"] < 0


def test_qa_table_shows_the_summary_and_top_findings(ws: Workspace) -> None:
    root = computed_root(ws)
    result = runner.invoke(
        app, ["qa", "--period", "2026-11", "--top", "3", "-w", root], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "聊天质检 · 2026-11" in result.stdout
    assert "最需要关注的发现（前 3 条）" in result.stdout
    assert "12315" in result.stdout  # the critical escalation comes first


def test_qa_before_compute_says_what_to_do(ws: Workspace) -> None:
    root = str(ws.root)
    ws.close()
    result = runner.invoke(app, ["qa", "--period", "2026-11", "-w", root])
    assert result.exit_code != 0


def test_token_create_list_revoke_is_audited(ws: Workspace) -> None:
    root = str(ws.root)
    ws.close()
    made = runner.invoke(app, ["token", "create", "--scope", "messages:write", "--name", "crm", "-w", root, "--by", "boss"])  # fmt: skip
    assert made.exit_code == 0, made.output
    [token] = [line for line in made.stdout.splitlines() if line.startswith("skpi_")]
    assert len(token) == len("skpi_") + 43
    listed = runner.invoke(app, ["token", "list", "-w", root], env={"COLUMNS": "200"})
    assert "crm" in listed.stdout and "有效" in listed.stdout and token not in listed.stdout
    bad = runner.invoke(app, ["token", "create", "--scope", "everything", "-w", root])
    assert isinstance(bad.exception, ShopkpiError)  # main() prints it and exits 2
    assert "未知的权限范围 'everything'" in str(bad.exception)
    assert runner.invoke(app, ["token", "revoke", "1", "-w", root, "--by", "boss"]).exit_code == 0
    check = Workspace(root)
    try:
        assert check.appdb.verify_token(token, "messages:write") is None
        actions = [(e.action, e.actor) for e in check.appdb.audit("api_token")]
        assert actions == [("revoke", "boss"), ("create", "boss")]
        stored = [t.prefix for t in check.appdb.tokens()]
        assert stored == [token[:10]]  # only a prefix and the hash are kept
    finally:
        check.close()
