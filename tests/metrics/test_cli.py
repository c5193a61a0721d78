"""The metric commands: JSON and CSV for scripts, tables for people, errors that help."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.compute import NoData
from shopkpi.workspace import Workspace
from tests.metrics.conftest import run
from tests.metrics.test_conversion import TABLES as CONVERSION
from tests.metrics.test_sales import TABLES as SALES

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
JSON_KEYS = {
    "shop_id",
    "entity_kind",
    "entity_id",
    "entity_name",
    "grain",
    "period",
    "period_start",
    "period_end",
    "metric_id",
    "metric_name",
    "unit",
    "value",
    "numerator",
    "denominator",
    "status",
}


@pytest.fixture
def root(shop: Workspace) -> Path:
    run(shop, {**SALES, "inquiry_outcome": CONVERSION["inquiry_outcome"]})
    shop.close()
    return shop.root


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


def test_metrics_json_and_csv() -> None:
    records = json.loads(cli("metrics", "--format", "json"))
    assert [r["metric_id"] for r in records] == list(CATALOG)
    paid = next(r for r in records if r["metric_id"] == "inquiry_to_paid_rate")
    assert paid["name"] == "询单→最终付款转化率" and paid["may_be_pending"] is True
    rows = list(csv.DictReader(io.StringIO(cli("metrics", "-f", "csv"))))
    assert len(rows) == len(CATALOG) and rows[0]["formula"]


def test_show_json_rows(root: Path) -> None:
    records = json.loads(cli("show", "-w", str(root), "-p", "2026-11", "-f", "json"))
    assert records and set(records[0]) == JSON_KEYS
    sales = next(r for r in records if r["metric_id"] == "cs_sales" and r["entity_id"] == "s1")
    assert sales["value"] == "160" and sales["metric_name"] == "客服销售额"
    assert sales["entity_name"] == "小美" and sales["status"] == "final"
    paid = next(
        r for r in records if r["metric_id"] == "inquiry_to_paid_rate" and r["entity_id"] == "s1"
    )
    assert paid["status"] == "pending" and paid["value"] is None
    assert (paid["numerator"], paid["denominator"]) == ("2", "4")


def test_show_csv_for_chosen_metrics_and_teams(root: Path) -> None:
    out = cli("show", "-w", str(root), "-e", "team", "-m", "cs_sales", "-m", "客单价", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["entity_id"], r["metric_id"], r["value"]) for r in rows} == {
        ("A组", "cs_sales", "360"),
        ("A组", "sales_per_buyer", "120"),  # 360 / 3 buyer-days
    }


def test_show_table_marks_pending(root: Path) -> None:
    out = cli("show", "-w", str(root))
    assert "小美" in out and "50.00%*" in out and "待定" in out and "160.00" in out


def test_explain_command(root: Path) -> None:
    out = cli("explain", "小美", "cs_sales", "-w", str(root), "-p", "2026-11")
    for text in ("o1", "o2", "o3", "落实付款给该客服", "订单归属规则", "分子合计 160"):
        assert text in out


def test_compute_on_an_empty_workspace_says_what_to_do(ws: Workspace) -> None:
    ws.close()
    result = CliRunner().invoke(app, ["compute", "-w", str(ws.root)], env=ENV)
    assert isinstance(result.exception, NoData)
    assert "shopkpi ingest" in str(result.exception)
