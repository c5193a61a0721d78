"""Logins: argon2 hashes only, audited creation, and ``shopkpi user add``."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from shopkpi.appdb.records import AppDBError
from shopkpi.appdb.users import Role
from shopkpi.cli.app import app
from shopkpi.workspace import Workspace

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def test_password_is_stored_only_as_an_argon2_hash(ws: Workspace) -> None:
    ws.appdb.add_user("boss", "s3cret-passw0rd", Role.admin, actor="setup")
    with ws.appdb.engine.connect() as con:
        rows = [tuple(r) for r in con.execute(text("SELECT * FROM app_user"))]
        audit = [tuple(r) for r in con.execute(text("SELECT * FROM audit_log"))]
    assert len(rows) == 1
    assert "s3cret-passw0rd" not in repr(rows)
    hashed = rows[0][2]
    assert hashed.startswith("$argon2id$")
    assert "s3cret-passw0rd" not in repr(audit)
    assert ws.appdb.verify_user("boss", "s3cret-passw0rd") is not None
    assert ws.appdb.verify_user("boss", "S3cret-passw0rd") is None


def test_user_creation_is_audited(ws: Workspace) -> None:
    ws.appdb.add_user("xm", "password-123", Role.staff, staff_id="s1", actor="王店长")
    [entry] = ws.appdb.audit("user")
    assert (entry.actor, entry.action, entry.entity_key) == ("王店长", "create", "xm")
    assert entry.old_value is None
    assert entry.new_value == {"username": "xm", "role": "staff", "staff_id": "s1"}


def test_refusals(ws: Workspace) -> None:
    ws.appdb.add_user("boss", "password-123", Role.admin, actor="setup")
    with pytest.raises(AppDBError, match="已存在"):
        ws.appdb.add_user("boss", "password-456", Role.admin, actor="setup")
    with pytest.raises(AppDBError, match="至少 8"):
        ws.appdb.add_user("cfo", "short", Role.finance, actor="setup")
    with pytest.raises(AppDBError, match="关联一名员工"):
        ws.appdb.add_user("xm", "password-123", Role.staff, actor="setup")


def test_cli_user_add_reads_the_password_from_stdin(ws: Workspace) -> None:
    args = ["user", "add", "cfo", "--role", "finance", "-w", str(ws.root), "--password-stdin"]
    args += ["--by", "王店长"]
    result = CliRunner().invoke(app, args, input="pass-word-42\n", env=ENV)
    assert result.exit_code == 0, result.output
    assert "已添加账号 cfo（财务）" in result.output
    assert "pass-word-42" not in result.output
    user = ws.appdb.verify_user("cfo", "pass-word-42")
    assert user is not None and user.role is Role.finance
