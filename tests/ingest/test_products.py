"""A product list (商品清单) through the generic adapter and the shipped example mapping."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

from shopkpi.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mappings" / "product.yaml"
PRODUCTS = """\
商品ID,商品标题,类目,生命周期,上架日期
="652301234567",降噪蓝牙耳机 Pro,3C数码>耳机,新品,2026-10-20
652301234568,耳机收纳盒,3C数码>配件,mature,2025/03/01
652301234569,旧款有线耳机,3C数码>耳机,清仓期,2024-06-18
652301234570,充电线,3C数码>配件,爆款,2026-01-05
652301234571,快充头,3C数码>配件,,
"""


def _workspace(ws: Workspace) -> Workspace:
    shutil.copy(EXAMPLE, ws.root / "mappings" / "product.yaml")
    ws.close()
    return Workspace(ws.root)


def test_product_list_lands_and_a_bad_lifecycle_is_quarantined(
    ws: Workspace, write_file: Callable[..., Path]
) -> None:
    ws = _workspace(ws)
    [result] = ws.ingest([write_file("商品清单.csv", PRODUCTS)])
    assert (result.status, result.adapter) == ("ok", "generic:product_list")
    assert (result.rows_read, result.accepted, result.quarantined) == (5, 4, 1)
    rows = ws.warehouse.con.execute(
        """SELECT shop_id, item_id, title, category, lifecycle, launched_on
           FROM product ORDER BY item_id"""
    ).fetchall()
    assert rows == [
        (
            "demo",
            "652301234567",
            "降噪蓝牙耳机 Pro",
            "3C数码>耳机",
            "new",
            dt.date(2026, 10, 20),
        ),
        ("demo", "652301234568", "耳机收纳盒", "3C数码>配件", "mature", dt.date(2025, 3, 1)),
        ("demo", "652301234569", "旧款有线耳机", "3C数码>耳机", "clearance", dt.date(2024, 6, 18)),
        ("demo", "652301234571", "快充头", "3C数码>配件", None, None),
    ]
    [bad] = ws.quarantined("商品清单.csv")
    assert (bad["row_number"], bad["column_name"], bad["reason"]) == (
        5,
        "生命周期",
        "列「生命周期」未知的取值「爆款」",
    )
    ws.close()


def test_product_reimport_is_a_no_op(ws: Workspace, write_file: Callable[..., Path]) -> None:
    ws = _workspace(ws)
    path = write_file("商品清单.csv", PRODUCTS)
    ws.ingest([path])
    before = ws.warehouse.con.execute("SELECT * FROM product ORDER BY item_id").fetchall()
    assert ws.ingest([path])[0].status == "skipped"
    forced = ws.ingestor.ingest_path(path, force=True)
    assert (forced.status, forced.accepted, forced.quarantined) == ("ok", 4, 1)
    assert ws.warehouse.con.execute("SELECT * FROM product ORDER BY item_id").fetchall() == before
    ws.close()
