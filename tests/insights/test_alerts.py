"""Alert rules: validation, evaluation on literal metric rows, dedupe, the live QA hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from shopkpi.appdb.db import AppDB
from shopkpi.errors import ConfigError
from shopkpi.insights.alerts import check, escalation_sink, evaluate, load_rules
from shopkpi.insights.channels import Sender
from shopkpi.warehouse.db import Warehouse
from shopkpi.workspace import Workspace
from tests.insights.conftest import Hook, MovableClock

RULES = """\
channels:
  - id: boss
    type: dingtalk
    webhook: {url}
    secret_env: ROBOT_SECRET
  - id: ops
    type: wecom
    webhook: {url}
rules:
  - id: gmv_pace
    metric: cs_sales
    scope: shop
    condition: {{pace_below: 0.9}}
    channels: [boss]
  - id: weak_conversion
    metric: inquiry_to_paid_rate
    scope: every staff
    condition: {{value_below: 0.25}}
    channels: [inbox]
  - id: gmv_drop
    metric: cs_sales
    scope: shop
    grain: day
    condition: {{change_below: -0.2}}
    severity: high
  - id: slow_reply
    metric: avg_response_seconds
    scope: staff:S01
    condition: {{pace_below: 0.9}}
    quiet_minutes: 60
escalation_channels: [ops]
"""


def _day_row(
    entity: tuple[str, str], metric: str, day: int, num: int, den: int | None = None
) -> tuple[object, ...]:
    d = date(2026, 11, day)
    value = Decimal(num) / Decimal(den) if den else Decimal(num)
    return ("s1", *entity, "day", d.isoformat(), d, d, metric, num, den, value, "final", None)


def _rows() -> list[tuple[object, ...]]:
    shop = ("shop", "s1")
    # 客服销售额 of the shop: 8000 a day, except 10000 on Nov 3 and 7000 on Nov 10.
    sales = {d: 8000 for d in range(1, 11)} | {3: 10000, 10: 7000}
    rows = [_day_row(shop, "cs_sales", d, v) for d, v in sales.items()]
    for staff, days in {"S01": [(9, 10, 40), (10, 2, 20)], "S02": [(9, 15, 30), (10, 15, 30)]}.items():  # fmt: skip
        rows += [_day_row(("staff", staff), "inquiry_to_paid_rate", *d) for d in days]
    rows += [_day_row(("staff", "S01"), "avg_response_seconds", *d) for d in [(9, 500, 10), (10, 400, 10)]]  # fmt: skip
    return rows


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    wh = Warehouse(":memory:")
    _fill(wh.con)
    yield wh.con
    wh.close()


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany(
        """INSERT INTO metric_value (shop_id, entity_kind, entity_id, grain, period,
             period_start, period_end, metric_id, numerator, denominator, value, status,
             computed_for_as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        _rows(),
    )
    con.executemany(
        "INSERT INTO target (entity_kind, entity_id, period, metric_id, value) VALUES (?, ?, ?, ?, ?)",
        [("shop", "s1", "2026-11", "cs_sales", 300000), ("staff", "S01", "2026-11", "avg_response_seconds", 30)],
    )  # fmt: skip
    con.executemany(
        "INSERT INTO staff (staff_id, name, team) VALUES (?, ?, ?)",
        [("S01", "张三", "A组"), ("S02", "李四", "B组")],
    )


def _rules_file(tmp_path: Path, hook: Hook, text: str = RULES) -> Path:
    path = tmp_path / "alerts.yaml"
    path.write_text(text.format(url=hook.url), encoding="utf-8")
    return path


def test_rules_fire_with_hand_worked_values(
    tmp_path: Path, hook: Hook, con: duckdb.DuckDBPyConnection
) -> None:
    rules = load_rules(_rules_file(tmp_path, hook))
    firings = evaluate(con, rules.rules, date(2026, 11, 10))
    got = {(f.rule.spec.id, f.entity_id, f.entity_name, f.team): (f.value, f.target, f.measure) for f in firings}  # fmt: skip
    assert got == {
        # MTD 8000 × 8 + 10000 + 7000 = 81000; pace 81000 ÷ (300000 × 10/30) = 0.81
        ("gmv_pace", "s1", "s1", None): (Decimal(81000), Decimal(300000), Decimal("0.81")),
        # S01: (10 + 2) ÷ (40 + 20) = 0.2 < 0.25; S02: 30 ÷ 60 = 0.5 does not fire
        ("weak_conversion", "S01", "张三", "A组"): (Decimal("0.2"), None, Decimal("0.2")),
        # Nov 10 against Nov 3: 7000 ÷ 10000 − 1 = −0.3 < −0.2
        ("gmv_drop", "s1", "s1", None): (Decimal(7000), None, Decimal("-0.3")),
        # lower is better: target 30 ÷ MTD (500 + 400) ÷ 20 = 45 → 0.6667
        ("slow_reply", "S01", "张三", "A组"): (Decimal(45), Decimal(30), Decimal(30) / Decimal(45)),
    }
    pace = next(f for f in firings if f.rule.spec.id == "gmv_pace")
    assert pace.message() == "s1 11-10 客服销售额本月累计 81000（月目标 300000）；进度比 0.81 < 0.9"
    assert pace.subject == "shop:s1@2026-11-10"
    slow = next(f for f in firings if f.rule.spec.id == "slow_reply")
    assert slow.message() == "张三 11-10 平均响应时间本月累计 45（月目标 30）；进度比 0.6667 < 0.9"


def test_pace_ahead_and_no_target_do_not_fire(
    tmp_path: Path, hook: Hook, con: duckdb.DuckDBPyConnection
) -> None:
    rules = load_rules(_rules_file(tmp_path, hook))
    pace = [r for r in rules.rules if r.spec.id == "gmv_pace"]
    # On Nov 2 the MTD is 16000 against 300000 × 2/30 = 20000: pace 0.8, fires; on Nov 1
    # with a 7000-target month it would be ahead. Without a target nothing fires.
    assert [f.measure for f in evaluate(con, pace, date(2026, 11, 2))] == [Decimal("0.8")]
    con.execute("DELETE FROM target WHERE entity_kind = 'shop'")
    assert evaluate(con, pace, date(2026, 11, 10)) == []


def test_no_duplicate_inside_the_quiet_period(
    tmp_path: Path, hook: Hook, con: duckdb.DuckDBPyConnection, db: AppDB, clock: MovableClock
) -> None:
    rules = load_rules(_rules_file(tmp_path, hook))
    only_pace = type(rules)(tuple(r for r in rules.rules if r.spec.id == "gmv_pace"), rules.channels, ())  # fmt: skip
    sender = Sender(db, {"ROBOT_SECRET": "s"}, sleep=lambda s: None)
    start = clock.now

    def run(minutes: int, dry_run: bool = False) -> list[str]:
        clock.now = start + dt.timedelta(minutes=minutes)
        report = check(con, db, only_pace, date(2026, 11, 12), sender, dry_run=dry_run)
        assert report.day == date(2026, 11, 10)  # the last day with data
        return [o.status for o in report.outcomes]

    assert run(0, dry_run=True) == ["dry_run"]
    assert (len(hook.posts), db.alerts()) == (0, [])
    assert run(0) == ["sent"]
    assert run(239) == ["suppressed"]
    assert len(hook.posts) == 1
    assert len(db.alerts(kind="metric")) == 1
    assert run(240) == ["sent"]  # quiet period over: sent and recorded again
    assert len(hook.posts) == 2
    inbox = db.alerts(kind="metric")
    assert [(a.rule, a.subject, a.severity, a.title) for a in inbox] == [
        ("gmv_pace", "shop:s1@2026-11-10", "medium", "客服销售额预警：s1")
    ] * 2
    assert [a.raised_at for a in inbox] == [start + dt.timedelta(minutes=240), start]
    assert hook.posts[0]["body"]["markdown"]["text"].startswith(
        "### 客服销售额预警：s1\n\ns1 11-10"
    )
    assert [(d["alert_id"], d["channel"], d["status"]) for d in db.deliveries()] == [
        (inbox[0].id, "boss", "sent"), (inbox[1].id, "boss", "sent")
    ]  # fmt: skip


BAD = """\
channels:
  - id: boss
    type: dingtalk
rules:
  - id: r1
    metric: no_such_metric
    condition: {pace_below: 0.9}
    channels: [boss, nowhere]
  - id: r2
    metric: cs_sales
    scope: team
    condition: {value_below: 1, value_above: 2}
  - id: r3
    metric: cs_sales
    condition: {change_below: -0.2}
  - id: r4
    metric: median_response_seconds
    condition: {value_above: 60}
"""


def test_rule_errors_name_file_line_and_rule(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert [(p.line, p.message) for p in err.value.problems] == [
        (12, "规则 r2：rules.1.condition: Value error, 条件只能写一个：pace_below、value_below、value_above 或 change_below"),
    ]  # fmt: skip
    path.write_text(BAD.replace("value_below: 1, ", ""), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:2: 渠道 boss：dingtalk 需要 webhook",
        f"{path}:6: 规则 r1：未知指标 'no_such_metric'（`shopkpi metrics` 列出全部指标）",
        f"{path}:8: 规则 r1：未定义的渠道 nowhere",
        f"{path}:11: 规则 r2：范围 'team' 无法识别：shop、team:<组名>、staff:<员工编号> 或 every staff",
        f"{path}:13: 规则 r3：change_below（与上周同日比）只用于 grain: day",
        f"{path}:16: 规则 r4：指标 median_response_seconds 不能按日累加，只能用 grain: day",
    ]


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_rules(tmp_path / "alerts.yaml")
    hint = "写一个 alerts.yaml（格式见 docs/insights.md「Alerts and channels」）"
    assert str(err.value) == f"{tmp_path / 'alerts.yaml'}: 文件不存在 — {hint}"


def test_live_escalation_goes_to_the_escalation_channels(
    tmp_path: Path, hook: Hook, db: AppDB
) -> None:
    _rules_file(tmp_path, hook)
    sink = escalation_sink(db, tmp_path, env={}, background=False)
    record = sink(
        kind="qa_escalation", rule="threat_complaint", severity="high", shop_id="s1",
        staff_id="S01", team="A组", subject="kf01|buyer|2026-11-12 09:00:00", message_id="m1",
        title="升级预警：买家 buyer ↔ kf01（投诉威胁）", detail={"text": "再不退款我就投诉"},
    )  # fmt: skip
    assert [a.id for a in db.alerts()] == [record.id]
    assert hook.posts[0]["body"] == {
        "msgtype": "markdown",
        "markdown": {
            "content": "### 升级预警：买家 buyer ↔ kf01（投诉威胁）\n\n再不退款我就投诉\n\n"
            "严重度：high · 2026-11-12 01:00 UTC"
        },
    }
    assert [(d["alert_id"], d["channel"], d["status"]) for d in db.deliveries()] == [
        (record.id, "ops", "sent")
    ]


def test_escalations_without_rules_file_only_record(tmp_path: Path, db: AppDB) -> None:
    record = escalation_sink(db, tmp_path)(kind="qa_escalation", rule="r", severity="high", title="t")  # fmt: skip
    assert [a.id for a in db.alerts()] == [record.id]
    assert db.deliveries() == []


def test_cli_check_and_log(ws: Workspace, hook: Hook) -> None:
    from shopkpi.cli.app import app

    _fill(ws.warehouse.con)
    ws.close()
    (ws.root / "alerts.yaml").write_text(RULES.format(url=hook.url), encoding="utf-8")
    env = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "ROBOT_SECRET": "s"}
    runner = CliRunner()
    args = ["alerts", "check", "--at", "2026-11-12", "-w", str(ws.root)]
    out = runner.invoke(app, args, env=env)
    assert out.exit_code == 0, out.output
    assert "检查日期 2026-11-10：4 条预警触发" in out.output
    assert "[gmv_pace] s1 11-10 客服销售额本月累计 81000（月目标 300000）；进度比 0.81 < 0.9 — 已记入收件箱并推送 boss✓" in out.output  # fmt: skip
    again = runner.invoke(app, args, env=env)
    assert again.output.count("静默期内，未重复记录和推送") == 4
    log = runner.invoke(app, ["alerts", "log", "-w", str(ws.root)], env=env)
    assert log.exit_code == 0 and "boss" in log.output and "inbox" in log.output
