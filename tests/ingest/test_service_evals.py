"""Service evaluation lists land in ``service_eval`` with scores 0..4 and resolved staff."""

from __future__ import annotations

import datetime as dt

from shopkpi.workspace import Workspace

ROSTER = "\n".join(
    [
        "员工编号,姓名,子账号,角色,级别,团队,主管,入职日期,离职日期,底薪,绩效基数",
        "S001,小美,示例旗舰店:小美,售前,初级,售前一组,,2026-01-05,,,",
    ]
)
HEADER = "客服,买家,邀评时间,评价时间,评价结果 ,来源"
EVALS = "\n".join(
    [
        HEADER,
        "示例旗舰店:小美,t**8,2026-11-11 10:00:00,2026-11-11 10:05:00,非常满意,客服邀评",
        "示例旗舰店：小美,a**1,2026/11/11 11:00,2026/11/11 11:30,3,0",  # full-width colon, digits
        "cntaobao示例旗舰店:小美,b**2,,2026-11-12 09:00:00,一般,1",  # API prefix, self-initiated
        "示例旗舰店:阿强,c**3,2026-11-12 10:00:00,2026-11-12 10:01:00,非常不满意,系统邀评",
        "示例旗舰店:小美,d**4,2026-11-12 12:00:00,,,0",  # invited, not answered yet
        "示例旗舰店:小美,e**5,2026-11-12 12:00:00,2026-11-12 12:10:00,还行吧,0",  # unknown result
    ]
)


def _evals(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT buyer_nick, account_nick, staff_id, score, source, CAST(sent_at AS VARCHAR),"
        " CAST(evaluated_at AS VARCHAR), biz_date, length(eval_id) FROM service_eval ORDER BY 1"
    ).fetchall()


def test_eval_list_with_staff_resolution(ws: Workspace, write_file) -> None:
    ws.ingest([write_file("花名册.csv", ROSTER)])
    [result] = ws.ingest([write_file("服务评价.csv", EVALS)])
    assert (result.status, result.adapter) == ("ok", "service_eval"), result.message
    assert (result.accepted, result.quarantined) == (5, 1)
    nov11, nov12 = dt.date(2026, 11, 11), dt.date(2026, 11, 12)
    assert _evals(ws) == [
        ("a**1", "示例旗舰店:小美", "S001", 3, "agent_invite", "2026-11-11 03:00:00",
         "2026-11-11 03:30:00", nov11, 32),
        ("b**2", "示例旗舰店:小美", "S001", 2, "buyer_initiated", None,
         "2026-11-12 01:00:00", nov12, 32),
        ("c**3", "示例旗舰店:阿强", None, 4, "system_invite", "2026-11-12 02:00:00",
         "2026-11-12 02:01:00", nov12, 32),
        ("d**4", "示例旗舰店:小美", "S001", None, "agent_invite", "2026-11-12 04:00:00",
         None, nov12, 32),
        ("t**8", "示例旗舰店:小美", "S001", 0, "agent_invite", "2026-11-11 02:00:00",
         "2026-11-11 02:05:00", nov11, 32),
    ]  # fmt: skip
    [reason] = ws.warehouse.con.execute("SELECT reason FROM quarantine").fetchall()[0]
    assert "评价结果" in reason and "还行吧" in reason


def test_answer_in_a_later_export_updates_the_invitation(ws: Workspace, write_file) -> None:
    first = "\n".join([HEADER, "示例旗舰店:小美,d**4,2026-11-12 12:00:00,,,0"])
    later = "\n".join(
        [HEADER, "示例旗舰店:小美,d**4,2026-11-12 12:00:00,2026-11-13 08:00:00,满意,0"]
    )
    ws.ingest([write_file("评价_202611121300.csv", first)])
    [result] = ws.ingest([write_file("评价_202611131300.csv", later)])
    assert (result.status, result.overwritten) == ("ok", 1), result.message
    rows = ws.warehouse.con.execute(
        "SELECT score, CAST(biz_date AS VARCHAR) FROM service_eval"
    ).fetchall()
    assert rows == [(1, "2026-11-13")]


def test_english_headers_and_eval_id_column(ws: Workspace, write_file) -> None:
    text = "\n".join(
        [
            "eval_id,account_nick,buyer_nick,sent_at,evaluated_at,score,source",
            '="9000000000000001",shop:mia,x**1,2026-11-11 10:00:00,2026-11-11 10:01:00,0,2',
        ]
    )
    [result] = ws.ingest([write_file("evals.csv", "\ufeff" + text, encoding="utf-8")])
    assert result.status == "ok", result.message
    rows = ws.warehouse.con.execute("SELECT eval_id, score, source FROM service_eval").fetchall()
    assert rows == [("9000000000000001", 0, "system_invite")]
