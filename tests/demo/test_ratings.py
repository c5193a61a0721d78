"""The demo's 主管评分: consistent with each agent's profile, importable by the real importer."""

from __future__ import annotations

import csv
from pathlib import Path

from shopkpi.appdb.db import AppDB
from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Role
from shopkpi.demo.ratings import CRITERIA, MARKS, NOISE, monthly_ratings
from shopkpi.demo.writers import ratings


def test_marks_follow_the_profile(small_history: ShopHistory) -> None:
    marks = monthly_ratings(small_history)
    agents = [p for p in small_history.staff if p.role is not Role.supervisor]
    assert len(marks) == len(agents) * 8  # three weeks in one month; supervisors unrated
    for r in marks:
        typical = MARKS[r.staff.traits.profile][CRITERIA.index(r.criterion)]
        assert abs(r.score - typical) <= NOISE and r.rater == r.staff.supervisor != ""
    by = {(r.staff.traits.profile, r.criterion): r.score for r in marks}
    # careless agents: low 责任心 and 纪律性 (typical 56 / 55 ± 3), fast ones high (88 / 90 ± 3)
    assert by[("careless", "attitude.responsibility")] <= 56 + NOISE
    assert by[("careless", "attitude.discipline")] <= 55 + NOISE
    assert by[("fast", "attitude.discipline")] >= 90 - NOISE
    assert by[("slow", "attitude.initiative")] <= 62 + NOISE


def test_the_file_imports_through_the_ratings_importer(
    small_history: ShopHistory, tmp_path: Path
) -> None:
    path, rows = ratings.write(tmp_path / "ratings", small_history)
    assert path.name == "主管评分.csv"
    with path.open(encoding="gbk", newline="") as f:
        header, first, *_ = csv.reader(f)
    assert header == ["员工编号", "周期", "维度", "分数", "评语", "评分人"]
    assert first[1:3] == ["2026-11", "态度.责任心"]
    db = AppDB(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        known = frozenset(p.staff_id for p in small_history.staff)
        result = db.import_ratings(path, "shopkpi demo", known)
        assert (result.rows, result.created) == (rows, rows)
        again = db.import_ratings(path, "shopkpi demo", known)
        assert (again.created, again.changed, again.unchanged) == (0, 0, rows)
    finally:
        db.close()
