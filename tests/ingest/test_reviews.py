"""评价管理 exports land in ``review``: ratings from 好/中/差评 or 评分, changes and 追评."""

from __future__ import annotations

import datetime as dt

from shopkpi.workspace import Workspace

HEADER = "评价时间,订单编号,买家,评价,评价内容,追评内容,追评时间,修改后评价,修改时间"
REVIEWS = "\n".join(
    [
        HEADER,
        '2026-11-20 10:00:00,="3306798581706001",t**8,好评,衣服很暖和,,,,',
        '2026-11-20 11:30:00,="3306798581706002",a**1,差评,发货太慢,,,好评,2026-11-21 09:00:00',
        '2026-11-21 20:15:00,="3306798581706003",b**2,中评,一般,穿了一周起球,2026-11-28 12:00:00,,',
        '2026-11-21 21:00:00,="3306798581706004",c**3,还行,还行吧,,,,',  # unknown rating
    ]
)


def _reviews(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT review_id, order_id, buyer_nick, CAST(reviewed_at AS VARCHAR), rating, score,"
        " content, followup_content, CAST(followup_at AS VARCHAR), changed_rating,"
        " CAST(changed_at AS VARCHAR), biz_date FROM review ORDER BY order_id"
    ).fetchall()


def test_review_export_with_changes_and_followups(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_file("评价管理_20261122.csv", REVIEWS)])
    assert (result.status, result.adapter) == ("ok", "review"), result.message
    assert (result.accepted, result.quarantined) == (3, 1)
    nov20, nov21 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
    # Times are stored in UTC (Beijing − 8 h); the derived id keeps the local time.
    assert _reviews(ws) == [
        ("3306798581706001@20261120100000", "3306798581706001", "t**8", "2026-11-20 02:00:00",
         "good", None, "衣服很暖和", None, None, None, None, nov20),
        ("3306798581706002@20261120113000", "3306798581706002", "a**1", "2026-11-20 03:30:00",
         "bad", None, "发货太慢", None, None, "good", "2026-11-21 01:00:00", nov20),
        ("3306798581706003@20261121201500", "3306798581706003", "b**2", "2026-11-21 12:15:00",
         "neutral", None, "一般", "穿了一周起球", "2026-11-28 04:00:00", None, None, nov21),
    ]  # fmt: skip
    rows = ws.warehouse.con.execute(
        "SELECT row_number, column_name, reason FROM quarantine"
    ).fetchall()
    assert rows == [(5, "评价", "列「评价」未知的取值「还行」；列「评价」缺少值（此列不能为空）")]


def test_a_changed_rating_in_a_later_export_updates_the_review(ws: Workspace, write_file) -> None:
    first = "\n".join([HEADER, '2026-11-20 11:30:00,="3306798581706002",a**1,差评,慢,,,,'])
    later = "\n".join(
        [HEADER, '2026-11-20 11:30:00,="3306798581706002",a**1,差评,慢,,,好评,2026-11-21 09:00:00']
    )
    ws.ingest([write_file("评价管理_202611210930.csv", first)])
    [result] = ws.ingest([write_file("评价管理_202611220930.csv", later)])
    assert (result.status, result.overwritten) == ("ok", 1), result.message
    rows = ws.warehouse.con.execute("SELECT rating, changed_rating FROM review").fetchall()
    assert rows == [("bad", "good")]
    path = write_file("评价管理_202611220930.csv", later)
    ws.ingestor.ingest_path(path, force=True)  # idempotent: the same file again changes nothing
    assert ws.warehouse.count("review") == 1
    [(overwrites,)] = ws.warehouse.con.execute("SELECT count(*) FROM import_overwrite").fetchall()
    assert overwrites == 1


def test_utf8_scores_and_review_ids(ws: Workspace, write_file) -> None:
    """An export with 评价ID and 评分 (1–5) only: the rating is the score's band."""
    text = "\n".join(
        [
            "评价ID,订单编号,会员名,评价时间,评分,评价内容",
            "R9001,3306798581706010,x**1,2026-11-20 08:00:00,5,很好",
            "R9002,3306798581706011,x**2,2026-11-20 09:00:00,3分,一般般",
            "R9003,3306798581706012,x**3,2026-11-20 09:30:00,1,太差",
            "R9004,3306798581706013,x**4,2026-11-20 10:00:00,6,？",  # out of range
        ]
    )
    [result] = ws.ingest([write_file("评价列表.csv", "\ufeff" + text, encoding="utf-8")])
    assert (result.status, result.adapter) == ("ok", "review"), result.message
    assert (result.accepted, result.quarantined) == (3, 1)
    rows = ws.warehouse.con.execute(
        "SELECT review_id, rating, score FROM review ORDER BY review_id"
    ).fetchall()
    assert rows == [("R9001", "good", 5), ("R9002", "neutral", 3), ("R9003", "bad", 1)]
    [(row, column, reason)] = ws.warehouse.con.execute(
        "SELECT row_number, column_name, reason FROM quarantine"
    ).fetchall()
    assert (row, column) == (5, "评价")
    assert reason == "列「评价」缺少值（此列不能为空）；列「评分」未知的取值「6」"
