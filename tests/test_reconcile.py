"""``shopkpi reconcile`` on literal metric_value and platform rows, with hand-computed results."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.config.models import WorkspaceConfig
from shopkpi.errors import ShopkpiError
from shopkpi.reconcile import (
    Reason,
    ReconcileError,
    Verdict,
    display_tolerance,
    reconcile,
)
from shopkpi.workspace import Workspace
from tests.ingest.test_platform_report import write_xlsx

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
MEI, QIANG, LI = "示例旗舰店:小美", "示例旗舰店:阿强", "示例旗舰店:小丽"

# (account, metric, value, pending, raw) — as the importer stores the platform report.
PLATFORM = [
    (MEI, "consulted_buyers", "120", False, "120"),
    (MEI, "agent_messages", "500", False, "500"),
    (MEI, "total_messages", "1000", False, "1000"),
    (MEI, "reply_rate", "0.985", False, "98.5%"),
    (MEI, "avg_response_seconds", "35", False, "35"),
    (MEI, "inquiry_to_paid_rate", "0.3", False, "30.00%"),
    (MEI, "days_worked", "20", False, "20"),
    (MEI, "max_concurrent_chats", "6", False, "6"),
    (MEI, "first_response_seconds", "20", False, "20"),
    (MEI, "avg_session_seconds", "120", False, "00:02:00"),
    (QIANG, "consulted_buyers", "80", False, "80"),
    (QIANG, "reply_rate", "1", False, "100%"),
    (QIANG, "inquiry_to_paid_rate", None, True, "延迟统计"),
    (QIANG, "satisfaction_rate", "0.95", False, "95%"),
    (QIANG, "unreplied_buyers", "0", False, "0"),
    (QIANG, "answer_question_ratio", "0.7", False, "0.7"),
    (LI, "consulted_buyers", "10", False, "10"),
]
# (staff, metric, value, status) — our metric_value rows for November.
OURS = [
    ("S001", "consulted_buyers", "120", "final"),
    ("S001", "agent_messages", "480", "final"),
    ("S001", "total_messages", "1020", "final"),
    ("S001", "reply_rate", "0.98533", "final"),
    ("S001", "avg_response_seconds", "41.2", "final"),
    ("S001", "inquiry_to_paid_rate", "0.35", "final"),
    ("S001", "days_worked", "22", "final"),
    ("S001", "first_response_seconds", "95", "final"),
    ("S001", "avg_session_seconds", "120.4", "final"),
    ("S002", "consulted_buyers", "80", "final"),
    ("S002", "inquiry_to_paid_rate", "0.4", "final"),
    ("S002", "satisfaction_rate", "0.9", "final"),
    ("S002", "unreplied_buyers", "1", "final"),
    ("S002", "answer_question_ratio", "0.8", "final"),
    ("S003", "consulted_buyers", "5", "final"),
    ("S003", "reply_rate", "1", "final"),
    ("S003", "median_first_response_seconds", "9", "final"),  # not in the report: not listed
]


def _metric_value_table(con) -> None:  # type: ignore[no-untyped-def]
    """The issue-3 metric_value contract (created here when the store has not made it)."""
    con.execute(
        """CREATE TABLE IF NOT EXISTS metric_value (shop_id VARCHAR, entity_kind VARCHAR,
           entity_id VARCHAR, grain VARCHAR, period VARCHAR, period_start DATE,
           period_end DATE, metric_id VARCHAR, numerator DECIMAL(18,4),
           denominator DECIMAL(18,4), value DECIMAL(18,6), status VARCHAR)"""
    )


def seed(ws: Workspace, *, rule: str = "order_created", chats: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
    con = ws.warehouse.con
    con.execute(
        """INSERT INTO staff (staff_id, name) VALUES ('S001', '小美'), ('S002', '阿强'),
           ('S003', '小红')"""
    )
    con.execute(
        """INSERT INTO staff_account (shop_id, account_nick, valid_from, staff_id) VALUES
           ('demo', '示例旗舰店:小美', DATE '2026-01-01', 'S001'),
           ('demo', '示例旗舰店:阿强', DATE '2026-01-01', 'S002'),
           ('demo', '示例旗舰店:小红', DATE '2026-01-01', 'S003')"""
    )
    for i, (nick, metric, value, pending, raw) in enumerate(PLATFORM):
        con.execute(
            """INSERT INTO platform_cs_report (shop_id, period_start, period_end, rule,
               account_nick, metric_id, value, pending, raw_value, _row)
               VALUES ('demo', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [*NOV, rule, nick, metric, value, pending, raw, i + 2],
        )
    _metric_value_table(con)
    for staff, metric, value, status in OURS:
        con.execute(
            """INSERT INTO metric_value (shop_id, entity_kind, entity_id, grain, period,
               period_start, period_end, metric_id, value, status)
               VALUES ('demo', 'staff', ?, 'month', '2026-11', ?, ?, ?, ?, ?)""",
            [staff, *NOV, metric, value, status],
        )
    # Evidence (derived tables, literal): S001 has 12 + 8 = 20 auto-replies, one session
    # whose first response was timed from the 08:00 opening, 3 counted rounds opened out of
    # hours (a 4th was excluded) and shifts.
    con.execute(
        """CREATE TABLE chat_session AS SELECT * FROM (VALUES
           ('demo', 'S001', DATE '2026-11-03', 12, TIMESTAMP '2026-11-02 23:50',
            TIMESTAMP '2026-11-03 00:00', 60),
           ('demo', 'S001', DATE '2026-11-04', 8, NULL, NULL, NULL),
           ('demo', 'S002', DATE '2026-11-04', 0, TIMESTAMP '2026-11-04 02:00',
            TIMESTAMP '2026-11-04 02:00', 30))
           t(shop_id, staff_id, biz_date, auto_messages, first_buyer_at, first_clock_at,
             first_response_seconds)"""
    )
    con.execute(
        """CREATE TABLE reply_round AS SELECT * FROM (VALUES
           ('demo', 'S001', DATE '2026-11-03', false, true),
           ('demo', 'S001', DATE '2026-11-03', false, true),
           ('demo', 'S001', DATE '2026-11-05', false, true),
           ('demo', 'S001', DATE '2026-11-05', false, false),
           ('demo', 'S001', DATE '2026-11-05', true, true),
           ('demo', 'S002', DATE '2026-11-05', true, true))
           t(shop_id, staff_id, biz_date, in_service, counted)"""
    )
    # S001's after-sale receptions on 11-25: b5 paid on 11-04 (= 11-25 − 21, the boundary
    # day), b6 on 11-10 (well inside the 21 days).
    con.execute(
        """CREATE TABLE inquiry AS SELECT * FROM (VALUES
           ('demo', 'b5', 'S001', '示例旗舰店:小美', DATE '2026-11-25',
            TIMESTAMP '2026-11-25 06:00', true, 'aftersale'),
           ('demo', 'b6', 'S001', '示例旗舰店:小美', DATE '2026-11-25',
            TIMESTAMP '2026-11-25 06:00', true, 'aftersale'))
           t(shop_id, buyer_nick, staff_id, account_nick, biz_date, first_at, received,
             kind)"""
    )
    # S001's paid inquiries: b1's order is credited to S001, b2's to S002, b3's is silent.
    con.execute(
        """CREATE TABLE inquiry_outcome AS SELECT * FROM (VALUES
           ('demo', 'b1', 'S001', DATE '2026-11-04', true),
           ('demo', 'b2', 'S001', DATE '2026-11-05', true),
           ('demo', 'b3', 'S001', DATE '2026-11-05', true),
           ('demo', 'b4', 'S001', DATE '2026-11-05', false))
           t(shop_id, buyer_nick, staff_id, biz_date, paid_final)"""
    )
    con.execute(
        """CREATE TABLE order_credit AS SELECT * FROM (VALUES
           ('demo', 'b1', 'S001', true, TIMESTAMP '2026-11-05 02:00', DATE '2026-11-05'),
           ('demo', 'b2', 'S002', true, TIMESTAMP '2026-11-06 02:00', DATE '2026-11-06'),
           ('demo', 'b3', NULL, true, TIMESTAMP '2026-11-05 02:00', DATE '2026-11-05'),
           ('demo', 'b5', NULL, true, TIMESTAMP '2026-11-04 02:00', DATE '2026-11-04'),
           ('demo', 'b6', NULL, true, TIMESTAMP '2026-11-10 02:00', DATE '2026-11-10'))
           t(shop_id, buyer_nick, credited_staff_id, paid, paid_at, paid_biz_date)"""
    )
    con.execute(
        """INSERT INTO shift (staff_id, biz_date, start_time) VALUES
           ('S001', DATE '2026-11-02', TIME '09:00'), ('S001', DATE '2026-11-03', TIME '09:00')"""
    )
    first, last = chats or ("2026-11-01", "2026-11-30")
    con.execute(
        """INSERT INTO chat_message (shop_id, message_id, biz_date) VALUES
           ('demo', 'm1', CAST(? AS DATE)), ('demo', 'm2', CAST(? AS DATE))""",
        [first, last],
    )


def _by_key(rows):  # type: ignore[no-untyped-def]
    return {(r.staff_id or r.account_nick, r.metric_id): r for r in rows}


def test_values_differences_and_reasons(ws: Workspace) -> None:
    seed(ws)
    result = reconcile(ws.warehouse.con, ws.config, *NOV)
    assert (result.platform_rule, result.our_rule) == ("order_created", "order_first")
    got = _by_key(result.rows)
    d = Decimal
    expected = {
        # key: (ours, theirs, diff, rel_diff, verdict, reasons) — all worked out by hand.
        ("S001", "consulted_buyers"): (d(120), d(120), d(0), d(0), Verdict.agree, ()),
        # 480 − 500 = −20, −20 / 500 = −0.04; S001 had 12 + 8 = 20 auto-replies.
        ("S001", "agent_messages"): (
            d(480), d(500), d(-20), d("-0.04"), Verdict.differ, (Reason.auto_replies,),
        ),
        # 0.98533 − 0.985 = 0.00033 ≤ 0.0005 (98.5% is shown to 0.1 pp).
        ("S001", "reply_rate"): (
            d("0.98533"), d("0.985"), d("0.00033"), d("0.0003"), Verdict.rounding, (),
        ),
        # 41.2 − 35 = 6.2, 6.2 / 35 = 0.17714… → 0.1771; 3 rounds out of hours (the
        # auto-replies are only a fallback, when nothing more specific explains it).
        ("S001", "avg_response_seconds"): (
            d("41.2"), d(35), d("6.2"), d("0.1771"), Verdict.differ, (Reason.service_hours,),
        ),
        # 95 − 20 = 75, 75 / 20 = 3.75: one session timed from the next opening.
        ("S001", "first_response_seconds"): (
            d(95), d(20), d(75), d("3.75"), Verdict.differ, (Reason.service_hours,),
        ),
        # 120.4 − 120 = 0.4 ≤ 0.5 (00:02:00 is shown to the second); 0.4 / 120 = 0.00333…
        ("S001", "avg_session_seconds"): (
            d("120.4"), d(120), d("0.4"), d("0.0033"), Verdict.rounding, (),
        ),
        # 0.35 − 0.30 = 0.05, 0.05 / 0.3 = 0.1667; the report is 下单判定, ours 下单优先判定;
        # our conversion is credited (the platform's), so uncredited payments are no reason;
        # b5 is after-sale only by the boundary day's payment.
        ("S001", "inquiry_to_paid_rate"): (
            d("0.35"), d("0.3"), d("0.05"), d("0.1667"), Verdict.differ,
            (Reason.rule, Reason.aftersale_boundary),
        ),
        # 22 − 20 = 2, 2 / 20 = 0.1; we count days with a human message, as the platform
        # does, so the shifts explain nothing (see the shift basis below).
        ("S001", "days_worked"): (
            d(22), d(20), d(2), d("0.1"), Verdict.differ, (Reason.unexplained,),
        ),
        # Nobody has a value for it: our catalog does not compute it.
        ("S001", "max_concurrent_chats"): (
            None, d(6), None, None, Verdict.missing, (Reason.not_in_catalog,),
        ),
        ("S002", "consulted_buyers"): (d(80), d(80), d(0), d(0), Verdict.agree, ()),
        ("S002", "reply_rate"): (None, d(1), None, None, Verdict.missing, (Reason.not_computed,)),
        ("S002", "inquiry_to_paid_rate"): (
            d("0.4"), None, None, None, Verdict.pending, (Reason.pending_theirs, Reason.rule),
        ),
        # 0.9 − 0.95 = −0.05, −0.05 / 0.95 = −0.05263… → −0.0526; nothing explains it.
        ("S002", "satisfaction_rate"): (
            d("0.9"), d("0.95"), d("-0.05"), d("-0.0526"), Verdict.differ, (Reason.unexplained,),
        ),
        # 1 − 0 = 1, no relative difference against 0; S002 had no auto-replies to explain it.
        ("S002", "unreplied_buyers"): (
            d(1), d(0), d(1), None, Verdict.differ, (Reason.unexplained,),
        ),
        # 0.8 − 0.7 = 0.1 > 0.05 (0.7 is shown to one decimal); higher on our side, so we
        # may have taken auto-replies for the agent's messages.
        ("S002", "answer_question_ratio"): (
            d("0.8"), d("0.7"), d("0.1"), d("0.1429"), Verdict.differ,
            (Reason.auto_unrecognised,),
        ),
        (LI, "consulted_buyers"): (None, d(10), None, None, Verdict.missing, (Reason.unmapped,)),
        ("S003", "consulted_buyers"): (
            d(5), None, None, None, Verdict.missing, (Reason.not_on_platform,),
        ),
        ("S003", "reply_rate"): (
            d(1), None, None, None, Verdict.missing, (Reason.not_on_platform,),
        ),
        # 1020 − 1000 = 20 = S001's 12 + 8 auto-replies, which our 总消息数 includes.
        ("S001", "total_messages"): (
            d(1020), d(1000), d(20), d("0.02"), Verdict.differ, (Reason.auto_replies,),
        ),
    }  # fmt: skip
    assert set(got) == set(expected)
    for key, (ours, theirs, diff, rel, verdict, reasons) in expected.items():
        row = got[key]
        actual = (row.ours, row.theirs, row.diff, row.rel_diff, row.verdict, row.reasons)
        assert actual == (ours, theirs, diff, rel, verdict, reasons), key
    assert "下单判定" in got[("S001", "inquiry_to_paid_rate")].reason_text
    assert "20 条" in got[("S001", "agent_messages")].reason_text
    # 总消息数 counts auto-replies on our side only: 1020 − 1000 = 20 = S001's auto-replies.
    total = got[("S001", "total_messages")]
    assert (total.diff, total.reasons) == (d(20), (Reason.auto_replies,))
    assert total.reason_text.endswith(
        "我方总消息数含自动回复 20 条，平台报表不计，差异正好等于自动回复数"
    )
    assert "有 1 位买家只因第 21 天" in got[("S001", "inquiry_to_paid_rate")].reason_text
    assert "1 个会话的首响" in got[("S001", "first_response_seconds")].reason_text
    assert "3 个回合" in got[("S001", "avg_response_seconds")].reason_text
    assert (
        "shopkpi explain S002 satisfaction_rate" in got[("S002", "satisfaction_rate")].reason_text
    )
    # Report order: agents as the report lists them, then the staff it lacks.
    assert [r.staff_id or r.account_nick for r in result.rows][:9] == ["S001"] * 9
    assert result.rows[-1].staff_id == "S003"
    assert result.by_metric()["consulted_buyers"][Verdict.agree] == 2


def test_same_rule_and_window_reasons(ws: Workspace) -> None:
    """Report under our own rule, our data starting late, a 48-hour first-touch window."""
    seed(ws, rule="order_first", chats=("2026-11-05", "2026-11-30"))
    attribution = {
        "picker": "first_touch",
        "window": "hours",
        "window_hours": 48,
        "conversion": "buyer",
    }
    config = WorkspaceConfig.model_validate(
        {**ws.config.model_dump(), "attribution": attribution, "metrics": {"days_worked": "shift"}}
    )
    got = _by_key(reconcile(ws.warehouse.con, config, *NOV).rows)
    row = got[("S001", "inquiry_to_paid_rate")]
    assert row.reasons == (
        Reason.window,
        Reason.conversion_basis,
        Reason.aftersale_boundary,
        Reason.coverage,
    )
    assert "首次接待" in row.reason_text and "48 小时" in row.reason_text
    # buyer-level conversion: b2's and b3's payments convert for us, not credited to S001
    assert "2 个询单" in row.reason_text
    assert got[("S001", "days_worked")].reasons == (Reason.coverage, Reason.days_basis)
    assert "2026-11-05 至 2026-11-30" in row.reason_text
    assert got[("S002", "inquiry_to_paid_rate")].reasons == (Reason.pending_theirs,)


def test_rule_choice_and_missing_period(ws: Workspace) -> None:
    seed(ws)
    with pytest.raises(ReconcileError, match="2026-11-01 至 2026-11-30"):
        reconcile(ws.warehouse.con, ws.config, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with pytest.raises(ReconcileError, match="付款判定"):
        reconcile(ws.warehouse.con, ws.config, *NOV, rule="付款判定")
    result = reconcile(ws.warehouse.con, ws.config, *NOV, rule="下单判定")
    assert result.platform_rule == "order_created"


def test_no_metric_store_yet(ws: Workspace) -> None:
    con = ws.warehouse.con
    con.execute(
        """INSERT INTO platform_cs_report (shop_id, period_start, period_end, rule,
           account_nick, metric_id, value, pending, raw_value)
           VALUES ('demo', DATE '2026-11-01', DATE '2026-11-30', 'order_first', '小美',
                   'consulted_buyers', 3, false, '3')"""
    )
    con.execute("INSERT INTO staff (staff_id, name) VALUES ('S001', '小美')")
    con.execute(
        """INSERT INTO staff_account (shop_id, account_nick, valid_from, staff_id)
           VALUES ('demo', '示例旗舰店:小美', DATE '2026-01-01', 'S001')"""
    )
    if "metric_value" in {r[0] for r in con.execute("SHOW TABLES").fetchall()}:
        con.execute("DELETE FROM metric_value")
    result = reconcile(con, ws.config, *NOV)
    [row] = result.rows
    assert row.staff_id == "S001"  # a bare 客服名 matches its only account
    assert row.verdict is Verdict.missing and "shopkpi compute" in row.reason_text
    assert any("shopkpi compute" in n for n in result.notes)


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("98.5%", "ratio", "0.0005"),
        ("94%", "ratio", "0.005"),
        ("0.9", "ratio", "0.0005"),  # a bare fraction: trusted to 0.1 pp
        ("0.98533", "ratio", "0.000005"),
        ("120", "number", "0.5"),
        ("12.5", "seconds", "0.05"),
        ("00:05:23", "seconds", "0.5"),
        ("6分5秒", "seconds", "0.5"),
    ],
)
def test_display_tolerance(raw: str, unit: str, expected: str) -> None:
    from shopkpi.ingest.adapters.platform_report import Unit

    assert display_tolerance(raw, Unit(unit)) == Decimal(expected)


def test_cli_imports_a_report_and_reconciles(ws: Workspace, tmp_path: Path) -> None:
    seed(ws)
    name = "自定义报表_月报_下单优先判定_2026-11-01至2026-11-30.xlsx"
    rows = [["客服昵称", "咨询人数", "回复率"], [MEI, 120, "98.5%"], ["汇总", 120, "98.5%"]]
    [imported] = ws.ingest([write_xlsx(tmp_path / name, rows)])
    assert imported.status == "ok", imported.message
    ws.close()
    runner = CliRunner()
    args = ["reconcile", "--period", "2026-11", "-w", str(ws.root)]
    table = runner.invoke(app, [*args, "--rule", "下单优先判定"])
    assert table.exit_code == 0, table.output
    assert "一致" in table.output and "小美" in table.output
    assert "还有按下单判定导出的报表" not in table.output  # --rule given: no note
    default = runner.invoke(app, args)
    assert "还有按下单判定导出的报表" in default.output

    as_json = runner.invoke(app, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["platform_rule"] == "order_first"
    [mei_rate] = [
        r for r in data["rows"] if r["metric_id"] == "reply_rate" and r["staff_id"] == "S001"
    ]
    assert (mei_rate["ours"], mei_rate["theirs"], mei_rate["verdict"]) == (
        "0.98533", "0.985", "rounding",
    )  # fmt: skip

    as_csv = runner.invoke(app, [*args, "--format", "csv", "--only-diff"])
    assert as_csv.exit_code == 0, as_csv.output
    parsed = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert parsed and all(r["verdict"] not in ("agree", "rounding") for r in parsed)
    assert {r["metric_name"] for r in parsed} >= {"聊天人数(原咨询人数)"}

    for period in ("2026-10", "十一月"):  # no report for October; not a period
        bad = runner.invoke(app, ["reconcile", "--period", period, "-w", str(ws.root)])
        assert bad.exit_code != 0 and isinstance(bad.exception, ShopkpiError)
