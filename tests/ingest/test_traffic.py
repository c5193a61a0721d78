"""生意参谋 traffic exports land in ``traffic_daily``: aliases, separators, summaries, quarantine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shopkpi.workspace import Workspace

# 流量来源 by category, as 生意参谋 writes it (GBK): a 汇总 row per day, thousands separators.
SOURCES = "\n".join(
    [
        "统计日期,流量来源,商品类目,访客数,浏览量,支付买家数,支付转化率,支付金额,支付子订单数",
        '2026-11-20,手淘搜索,羽绒服,"1,204","3,015",38,3.16%,"26,410.50",41',
        '2026-11-20,直通车,羽绒服,512,1108,12,2.34%,"9,880.00",12',
        '2026-11-20,汇总,,"1,716","4,123",50,2.91%,"36,290.50",53',
        "2026-11-21,直通车,羽绒服,205,431,5,2.44%,￥4100.00,5",
        "2026-11-21,手淘搜索,羽绒服,abc,2990,37,3.10%,25000.00,37",  # bad 访客数
        '合计,,,"1,921","4,554",55,,"40,390.50",58',
    ]
)


def _traffic(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT biz_date, channel, category, visitors, page_views, buyers, orders, paid_amount"
        " FROM traffic_daily ORDER BY biz_date, channel"
    ).fetchall()


def test_source_export_with_summaries_and_separators(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_file("流量来源_20261122.csv", SOURCES)])
    assert (result.status, result.adapter) == ("ok", "traffic"), result.message
    assert (result.accepted, result.quarantined) == (3, 1)
    nov20, nov21 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
    assert _traffic(ws) == [
        (nov20, "手淘搜索", "羽绒服", 1204, 3015, 38, 41, Decimal("26410.50")),
        (nov20, "直通车", "羽绒服", 512, 1108, 12, 12, Decimal("9880.00")),
        (nov21, "直通车", "羽绒服", 205, 431, 5, 5, Decimal("4100.00")),
    ]
    rows = ws.warehouse.con.execute(
        "SELECT row_number, column_name, reason FROM quarantine"
    ).fetchall()
    # Line 6 of the file (header = line 1): the 访客数 cell.
    assert rows == [(6, "访客数", "列「访客数」无法识别的整数")]


def test_reimport_changes_nothing(ws: Workspace, write_file) -> None:
    path = write_file("流量来源_20261122.csv", SOURCES)
    ws.ingest([path])
    before = _traffic(ws)
    ws.ingestor.ingest_path(path, force=True)
    assert _traffic(ws) == before
    [(overwrites,)] = ws.warehouse.con.execute("SELECT count(*) FROM import_overwrite").fetchall()
    assert overwrites == 0


def test_utf8_board_without_category_and_only_a_rate(ws: Workspace, write_file) -> None:
    """流量看板 style: 日期/来源名称, no category, no 支付买家数 (buyers = visitors × rate)."""
    text = "\n".join(
        [
            "日期,来源名称,访客数,浏览量,支付转化率,支付金额",
            "2026/11/20,首页推荐,800,1600,1.25%,1500",
            "2026/11/20,全部,800,1600,1.25%,1500",
        ]
    )
    [result] = ws.ingest([write_file("流量看板.csv", "\ufeff" + text, encoding="utf-8")])
    assert (result.status, result.adapter, result.accepted) == ("ok", "traffic", 1), result.message
    assert _traffic(ws) == [
        (dt.date(2026, 11, 20), "首页推荐", "", 800, 1600, 10, None, Decimal("1500.00"))
    ]


def test_a_later_export_updates_the_day(ws: Workspace, write_file) -> None:
    head = "统计日期,流量来源,访客数,浏览量,支付买家数,支付金额"
    ws.ingest([write_file("流量来源_202611210930.csv", f"{head}\n2026-11-20,站外,90,200,1,59")])
    [result] = ws.ingest(
        [write_file("流量来源_202611220930.csv", f"{head}\n2026-11-20,站外,95,210,2,118")]
    )
    assert (result.status, result.overwritten) == ("ok", 1), result.message
    assert _traffic(ws) == [
        (dt.date(2026, 11, 20), "站外", "", 95, 210, 2, None, Decimal("118.00"))
    ]


def test_example_mapping_for_another_platform(ws: Workspace, write_file) -> None:
    """examples/mappings/traffic.yaml: a 京东商智 export through the generic adapter."""
    import shutil
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "mappings" / "traffic.yaml"
    shutil.copy(example, ws.root / "mappings" / "traffic.yaml")
    ws.close()
    ws = Workspace(ws.root)
    text = "\n".join(
        [
            "时间,来源渠道,访客数,浏览量,成交客户数,成交单量,成交金额",
            '2026-11-20,京东搜索,"2,310","5,002",41,44,"￥12,345.60"',
            "2026-11-20,推荐,930,1800,9,9,2100",
        ]
    )
    [result] = ws.ingest([write_file("流量来源_京东.csv", text)])
    assert (result.status, result.adapter) == ("ok", "generic:jd_traffic"), result.message
    assert _traffic(ws) == [
        (dt.date(2026, 11, 20), "京东搜索", "", 2310, 5002, 41, 44, Decimal("12345.60")),
        (dt.date(2026, 11, 20), "推荐", "", 930, 1800, 9, 9, Decimal("2100.00")),
    ]
    ws.close()
