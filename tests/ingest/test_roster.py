"""员工花名册, 排班表 and 目标表 land in staff / staff_account / shift / target."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from shopkpi.workspace import Workspace

ROSTER_HEADER = "员工编号,姓名,子账号,角色,级别,团队,主管,入职日期,离职日期,底薪 ,绩效基数"
ROSTER = "\n".join(
    [
        ROSTER_HEADER,
        '="S001",小美,示例旗舰店:小美;示例旗舰店:小美2,售前,初级,售前一组,王主管,2026-01-05,,'
        "￥4000,2000元",
        "S002,阿强,示例旗舰店：阿强,售后客服,中级,售后组,王主管,2025/3/1,2026/10/31,4500.00,",
        "S003,王五,,主管,组长,,,,,8000,3000",
        "S004,老六,示例旗舰店:老六,保洁,初级,,,,,,",  # unknown role: quarantined
    ]
)


def _staff(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT staff_id, name, role, level, team, supervisor, hired_on, left_on, base_salary,"
        " bonus_base, needs_review FROM staff ORDER BY staff_id"
    ).fetchall()


def _accounts(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT account_nick, valid_from, staff_id, valid_to FROM staff_account"
        " ORDER BY account_nick, valid_from NULLS FIRST"
    ).fetchall()


def test_roster_gbk_with_accounts(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_file("员工花名册.csv", ROSTER)])
    assert (result.status, result.adapter) == ("ok", "roster"), result.message
    assert (result.accepted, result.quarantined) == (3, 1)
    assert result.tables == {"staff": 3, "staff_account": 3}
    s001, s002, s003 = _staff(ws)
    assert s001 == (
        "S001",
        "小美",
        "presale_cs",
        "junior",
        "售前一组",
        "王主管",
        dt.date(2026, 1, 5),
        None,
        Decimal("4000.00"),
        Decimal("2000.00"),
        False,
    )
    assert (s002[2], s002[3], s002[7]) == ("aftersale_cs", "senior", dt.date(2026, 10, 31))
    assert (s003[2], s003[3], s003[6]) == ("supervisor", "lead", None)
    assert _accounts(ws) == [
        ("示例旗舰店:小美", dt.date(2026, 1, 5), "S001", None),
        ("示例旗舰店:小美2", dt.date(2026, 1, 5), "S001", None),
        ("示例旗舰店:阿强", dt.date(2025, 3, 1), "S002", dt.date(2026, 10, 31)),
    ]
    [reason] = ws.warehouse.con.execute("SELECT reason FROM quarantine").fetchall()[0]
    assert "角色" in reason and "保洁" in reason


ENGLISH_ROSTER = "\n".join(
    [
        "staff_id,name,accounts,role,level,team,supervisor,hired_on,left_on,base_salary,bonus_base",
        "E1,Mia,shop:mia,presale_cs,senior,presale,,2026-02-01,,5000,1000",
        "E2,Bo,,design,,,E1,,,,",
    ]
)


def test_roster_english_headers(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_file("roster.csv", ENGLISH_ROSTER, encoding="utf-8")])
    assert result.status == "ok", result.message
    assert [(r[0], r[2], r[3]) for r in _staff(ws)] == [
        ("E1", "presale_cs", "senior"),
        ("E2", "design", None),
    ]
    assert _accounts(ws) == [("shop:mia", dt.date(2026, 2, 1), "E1", None)]


def _auto_created(ws: Workspace, nick: str, valid_from: dt.date | None) -> None:
    """What the chat importers write for an account no roster names yet."""
    con = ws.warehouse.con
    lineage = "'chatfile', 1, TIMESTAMP '2026-11-10 00:00:00'"
    con.execute(
        f"INSERT INTO staff (staff_id, name, needs_review, _file_hash, _row, _source_ts)"
        f" VALUES (?, ?, true, {lineage})",
        [nick, nick.split(":")[-1]],
    )
    con.execute(
        f"INSERT INTO staff_account VALUES ('demo', ?, ?, ?, NULL, {lineage})",
        [nick, valid_from, nick],
    )
    con.execute(
        "INSERT INTO chat_message (shop_id, message_id, account_nick, staff_id, direction,"
        f" sent_at, text, biz_date, _file_hash, _row, _source_ts) VALUES ('demo', 'm1', ?, ?,"
        f" 'agent', TIMESTAMP '2026-11-09 02:00:00', '在的亲', DATE '2026-11-09', {lineage})",
        [nick, nick],
    )


@pytest.mark.parametrize("auto_from", [None, dt.date(1970, 1, 1)])
def test_roster_takes_over_auto_created_staff(
    ws: Workspace, write_file, auto_from: dt.date | None
) -> None:
    _auto_created(ws, "示例旗舰店:小美", auto_from)
    _auto_created(ws, "示例旗舰店:路人", auto_from)  # not in the roster: stays for review
    [result] = ws.ingest([write_file("员工花名册.csv", ROSTER)])
    assert result.status == "ok", result.message
    assert [(r[0], r[10]) for r in _staff(ws)] == [
        ("S001", False),
        ("S002", False),
        ("S003", False),
        ("示例旗舰店:路人", True),
    ]
    assert _accounts(ws)[:3] == [
        ("示例旗舰店:小美", auto_from, "S001", None),
        ("示例旗舰店:小美", dt.date(2026, 1, 5), "S001", None),
        ("示例旗舰店:小美2", dt.date(2026, 1, 5), "S001", None),
    ]
    messages = ws.warehouse.con.execute(
        "SELECT account_nick, staff_id FROM chat_message ORDER BY account_nick"
    ).fetchall()
    assert messages == [("示例旗舰店:小美", "S001"), ("示例旗舰店:路人", "示例旗舰店:路人")]
    overwrites = ws.warehouse.con.execute(
        "SELECT table_name, natural_key, previous_file_hash FROM import_overwrite ORDER BY 1"
    ).fetchall()
    assert overwrites == [
        ("staff", "示例旗舰店:小美", "chatfile"),
        (
            "staff_account",
            "demo|示例旗舰店:小美" + (f"|{auto_from}" if auto_from else ""),
            "chatfile",
        ),
    ]


def test_roster_after_real_chat_import(ws: Workspace, write_file) -> None:
    """End to end: the session-bundle importer auto-creates 小美, the roster then adopts her."""
    meta = {
        "dataId": "20261109_1_2_3",
        "buyerNick": "t**8",
        "psnNickName": "示例旗舰店:小美",
        "accountNick": "示例旗舰店:小美",
        "startTime": "2026-11-09 10:00:00",
        "endTime": "2026-11-09 10:05:00",
        "isSellerFst": "买家发起",
        "isUnReply": "已回复",
    }
    messages = [
        {"msgId": "m1", "gmtCreated": "2026-11-09 10:00:00.000", "userNickFrom": "t**8",
         "userNickTo": "示例旗舰店:小美", "msg": "在吗"},
        {"msgId": "m2", "gmtCreated": "2026-11-09 10:00:10.000", "userNickFrom": "示例旗舰店:小美",
         "userNickTo": "t**8", "msg": "在的亲"},
    ]  # fmt: skip
    bundle = json.dumps({"sessions": [{"meta": meta, "messages": messages}]}, ensure_ascii=False)
    [chat] = ws.ingest([write_file("sessions.json", bundle, encoding="utf-8")])
    assert chat.status == "ok" and chat.tables.get("staff") == 1, chat.message
    [roster] = ws.ingest([write_file("员工花名册.csv", ROSTER)])
    assert roster.status == "ok", roster.message
    con = ws.warehouse.con
    assert con.execute("SELECT count(*) FROM staff WHERE needs_review").fetchall() == [(0,)]
    assert {r[2] for r in _accounts(ws) if r[0] == "示例旗舰店:小美"} == {"S001"}
    assert con.execute("SELECT DISTINCT staff_id FROM chat_message").fetchall() == [("S001",)]
    assert con.execute("SELECT staff_id FROM reception_session").fetchall() == [("S001",)]


SHIFTS = "\n".join(
    [
        "员工编号,日期,上班时间,下班时间",
        "S001,2026-11-11,09:00,12:00",
        "S001,2026-11-11,13:30:00,18:00",  # split shift: a second row of the same day
        "S002,2026/11/11,9:00,18:00",
        "S002,2026-11-12,休,",  # a day off is not a shift
        "S003,2026-11-12,25:00,18:00",  # impossible time: quarantined
    ]
)


def test_shifts_split_and_day_off(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_file("排班表.csv", SHIFTS)])
    assert (result.status, result.adapter) == ("ok", "shifts"), result.message
    assert (result.accepted, result.quarantined) == (3, 1)
    rows = ws.warehouse.con.execute(
        "SELECT staff_id, biz_date, start_time, end_time FROM shift ORDER BY ALL"
    ).fetchall()
    day = dt.date(2026, 11, 11)
    assert rows == [
        ("S001", day, dt.time(9, 0), dt.time(12, 0)),
        ("S001", day, dt.time(13, 30), dt.time(18, 0)),
        ("S002", day, dt.time(9, 0), dt.time(18, 0)),
    ]


TARGETS = "\n".join(
    [
        "对象,周期,指标,目标值",
        'S001,2026-11,cs_sales,"￥30,000"',
        "售前一组,2026-W45,reply_rate,98.5%",
        '店铺,2026年12月,cs_sales,"1,000,000"',
        "团队:售后组,2026-q4,refund_rate,0.05",
        "S002,2026-11-01 00:00:00,cs_sales,20000",  # Excel made the typed 2026-11 a date
        "S003,2026-13,cs_sales,1",  # no 13th month: quarantined
        "S003,11月,cs_sales,1",  # no year: quarantined
        "S003,2026-11,cs_sales,三万",  # not a number: quarantined
    ]
)


def test_targets_kinds_and_periods(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_file("目标表.csv", TARGETS)])
    assert (result.status, result.adapter) == ("ok", "targets"), result.message
    assert (result.accepted, result.quarantined) == (5, 3)
    rows = ws.warehouse.con.execute(
        "SELECT entity_kind, entity_id, period, metric_id, value FROM target ORDER BY ALL"
    ).fetchall()
    assert rows == [
        ("shop", "demo", "2026-12", "cs_sales", Decimal("1000000.0000")),
        ("staff", "S001", "2026-11", "cs_sales", Decimal("30000.0000")),
        ("staff", "S002", "2026-11", "cs_sales", Decimal("20000.0000")),
        ("team", "售前一组", "2026-W45", "reply_rate", Decimal("0.9850")),
        ("team", "售后组", "2026-Q4", "refund_rate", Decimal("0.0500")),
    ]
    reasons = ws.warehouse.con.execute(
        "SELECT column_name, reason FROM quarantine ORDER BY row_number"
    ).fetchall()
    assert [r[0] for r in reasons] == ["周期", "周期", "目标值"]
    assert "2026-W45" in reasons[0][1] and "98.5%" in reasons[2][1]


def test_target_kind_from_roster_and_column(ws: Workspace, write_file) -> None:
    ws.ingest([write_file("roster.csv", ENGLISH_ROSTER, encoding="utf-8")])
    text = "\n".join(
        [
            "对象,对象类型,周期,指标,目标值",
            "presale,,2026-11,cs_sales,1",  # a team the roster knows, though shaped like a code
            "E2,,2026-11,cs_sales,2",  # a staff_id the roster knows
            "X9,团队,2026-11,cs_sales,3",  # the column decides
            "Z1,,2026-11,cs_sales,4",  # unknown code: a 员工编号 by its shape
            "小美组,,2026-11,cs_sales,5",  # unknown name: a team by its shape
            "示例旗舰店,,2026-11,cs_sales,6",  # the shop's name
        ]
    )
    [result] = ws.ingest([write_file("targets.csv", text, encoding="utf-8")])
    assert result.status == "ok", result.message
    rows = ws.warehouse.con.execute(
        "SELECT value, entity_kind, entity_id FROM target ORDER BY value"
    ).fetchall()
    assert [r[1:] for r in rows] == [
        ("team", "presale"),
        ("staff", "E2"),
        ("team", "X9"),
        ("staff", "Z1"),
        ("team", "小美组"),
        ("shop", "demo"),
    ]
