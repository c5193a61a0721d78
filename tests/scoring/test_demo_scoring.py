"""End to end on the demo shop: ``shopkpi demo`` imports the supervisors' ratings, adopts
the two example plans and scores the demo month; the staff the generator made strong rank
above those it made weak (judged by the generator's own profiles, not by shopkpi); a
closed month stays byte-identical while new data lands and is recomputed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from statistics import mean

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.demo import DemoOptions, generate_demo
from shopkpi.demo.generate import CHAT_TEXT, ORDER_REPORT, RECEPTION
from shopkpi.demo.history import simulate
from shopkpi.demo.model import Role
from shopkpi.workspace import Workspace

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
# Three weeks to 2026-11-22, two pre-sale teams and an after-sale team (11 agents).
OPTIONS = DemoOptions(staff=14, days=21, scale=0.5, seed=7)
STRONG = {"fast", "volume", "premium"}
WEAK = {"slow", "careless"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("scored_demo") / "demo"
    args = ["demo", str(root), "--staff", "14", "--days", "21", "--scale", "0.5", "--seed", "7"]
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exit_code == 0, result.output
    yield root, result.output


def cli(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(root)], env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_imports_ratings_adopts_the_examples_and_prints_the_ranking(
    demo: tuple[Path, str],
) -> None:
    root, output = demo
    agents = [p for p in simulate(OPTIONS).staff if p.role is not Role.supervisor]
    assert f"主管评分 主管评分.csv：{len(agents) * 8} 条" in output
    assert "已采用考核方案：售前客服 第1版、售后客服 第1版" in output
    assert "评分排行 · 2026-11（每个方案前 3 名）" in output
    ws = Workspace(root)
    try:
        assert len(ws.appdb.ratings("2026-11")) == len(agents) * 8
        [entry, *_] = ws.appdb.audit("rating")
        assert entry.actor == "shopkpi demo" and (entry.reason or "").startswith(
            "导入 主管评分.csv 第"
        )
    finally:
        ws.close()


def test_strong_staff_rank_above_weak_staff(demo: tuple[Path, str]) -> None:
    """Ground truth is the generator's profile of each agent; only agents employed over the
    whole history count (a joiner or a leaver has fewer days to sell)."""
    root, _ = demo
    history = simulate(OPTIONS)
    profile = {
        p.staff_id: p.traits.profile
        for p in history.staff
        if p.hired_on <= OPTIONS.start and p.left_on is None and p.role is not Role.supervisor
    }
    people = json.loads(cli(root, "score", "-f", "json"))["people"]
    pairs = []
    for plan in ("售前客服", "售后客服"):
        ranked = [p for p in people if p["plan"] == plan and p["staff_id"] in profile]
        totals = {p["staff_id"]: Decimal(p["total"]) for p in ranked}
        strong = [t for s, t in totals.items() if profile[s] in STRONG]
        weak = [t for s, t in totals.items() if profile[s] in WEAK]
        assert strong and weak, plan
        assert mean(strong) - mean(weak) >= 10, (plan, strong, weak)
        assert profile[ranked[0]["staff_id"]] not in WEAK  # the best is never a weak agent
        assert profile[ranked[-1]["staff_id"]] not in STRONG  # the worst never a strong one
        pairs += [s > w for s in strong for w in weak]
    assert sum(pairs) / len(pairs) >= 0.8, pairs


def test_demo_scorecards_add_up(demo: tuple[Path, str]) -> None:
    root, _ = demo
    doc = json.loads(cli(root, "score", "-f", "json"))
    assert doc["period"] == "2026-11" and [p["version"] for p in doc["plans"]] == [1, 1]
    for p in doc["people"]:
        sections = sum(Decimal(s["contribution"]) for s in p["sections"])
        items = sum(Decimal(i["contribution"]) for i in p["items"])
        assert sections == items == Decimal(p["subtotal"]), p["staff_id"]
        assert Decimal(p["total"]) == max(Decimal(p["subtotal"]) - Decimal(p["deducted"]), 0)
        assert all(i["status"] != "missing" for i in p["items"] if "." in i["key"])  # rated
        b = p["bonus"]
        parts = Decimal(b["performance_pay"]) + Decimal(b["commission"]) + Decimal(b["pool_share"])
        assert Decimal(b["bonus"]) == max(parts - Decimal(b["deductions"]), 0)
    assert sum(Decimal(p["bonus"]["bonus"]) for p in doc["people"]) == Decimal(doc["total_bonus"])
    assert "客服销售额" in cli(root, "scorecard", doc["people"][0]["staff_id"])


def _more_data(folder: Path, seed: int) -> list[Path]:
    """Another shop's orders and chats for the same days, through the same sub-accounts."""
    files = generate_demo(folder, DemoOptions(staff=6, days=5, scale=0.3, seed=seed))
    kinds = (ORDER_REPORT, RECEPTION, CHAT_TEXT)
    return [f.path for f in files.files if f.kind in kinds]


def test_a_closed_month_stays_byte_identical_as_data_lands(
    demo: tuple[Path, str], tmp_path: Path
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo[0], root)
    cli(root, "close", "-p", "2026-11", "--by", "财务", "--force", "--reason", "先按当前数发薪")
    frozen = cli(root, "score", "-f", "json")
    card = cli(root, "scorecard", "E004")
    cli(root, "export", "-o", str(tmp_path / "a.xlsx"))
    live = cli(root, "score", "-f", "json", "--live")
    for seed in (8, 9):
        cli(root, "ingest", *map(str, _more_data(tmp_path / f"more{seed}", seed)))
        cli(root, "compute", "-p", "2026-11")
        assert cli(root, "score", "-f", "json") == frozen
        assert cli(root, "scorecard", "E004") == card
        changed = cli(root, "score", "-f", "json", "--live")
        assert json.loads(changed)["inputs_hash"] != json.loads(live)["inputs_hash"]
        live = changed
    cli(root, "export", "-o", str(tmp_path / "b.xlsx"))
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
