"""Scoring a workspace's periods: adopt plans, score, explain, close, simulate.

The Workspace exposes one :class:`ScoringService` (``ws.scoring``); the CLI and the web
call it. It reads metric values, the roster and targets from the warehouse, ratings,
adopted plans and snapshots from the app DB, and writes only adoptions and snapshots.

A frozen period is never recomputed: :meth:`ScoringService.sheet` shows the newest
snapshot (or ``version``), and only ``live=True`` scores it afresh, for comparison.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.records import Adoption, Snapshot
from shopkpi.errors import ShopkpiError
from shopkpi.memo import Memo, no_memo
from shopkpi.metrics.model import Grain
from shopkpi.metrics.periods import PeriodError, parse_period
from shopkpi.metrics.staff import resolve_staff
from shopkpi.metrics.store import latest_period
from shopkpi.scoring.adoption import PlanSet, active_plans, adopt_file
from shopkpi.scoring.live_cache import LIVE_RUNS, live_key
from shopkpi.scoring.roster import read_roster
from shopkpi.scoring.run import LiveRun, needs_teams, score_period
from shopkpi.scoring.sheet import PersonRecord
from shopkpi.scoring.simulate import Simulation, simulate
from shopkpi.scoring.source import scoring_input
from shopkpi.scoring.targets import read_targets
from shopkpi.scoring.view import ScoreSheet, frozen_sheet


class ScoringError(ShopkpiError):
    """A scoring request that cannot be met (no data, unknown version, nobody scored…)."""


class ScoringService:
    """Scores of a workspace: ``con`` is the warehouse, ``db`` the app DB."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        db: AppDB,
        root: Path,
        week_start: str = "monday",
        memo: Memo = no_memo,
    ) -> None:
        self.con = con
        self.db = db
        self.root = root
        self.week_start = week_start
        self.memo = memo  # the server's per-generation results (memo.py); else none

    def period(self, period: str | None) -> str:
        """The period label (default: the latest month with metric values)."""
        if period is None:
            found: str | None = self.memo(
                ("latest_month",), lambda: latest_period(self.con, Grain.month)
            )
            if found is None:
                raise ScoringError("还没有指标值：先导入数据并运行 shopkpi compute")
            return found
        try:
            return parse_period(period, self.week_start).label
        except PeriodError as exc:
            raise ScoringError(str(exc)) from exc

    def plans(self) -> PlanSet:
        return active_plans(self.db, self.root / "plans")

    def adopt(self, path: Path, actor: str) -> Adoption:
        """Check and adopt a plan file as its plan's next version (audited)."""
        return adopt_file(self.db, path, actor, read_roster(self.con) or None, self.root)

    def run(self, period: str | None = None, plans: PlanSet | None = None) -> LiveRun:
        """Score ``period`` now with ``plans`` (default: the adopted ones)."""
        label = self.period(period)
        if plans is None:  # the adopted plans: kept while nothing changes (memo.py)
            kept: LiveRun = self.memo(
                ("run", label, plans_stamp(self.root / "plans")), lambda: self._run(label, None)
            )
            return kept
        return self._run(label, plans)

    def _run(self, label: str, plans: PlanSet | None) -> LiveRun:
        plans = plans if plans is not None else self.plans()
        if not plans.plans:
            raise ScoringError("没有考核方案：在 plans/ 放入方案文件并用 shopkpi plan adopt 采用")
        if not self._has_values(label):
            raise ScoringError(f"周期 {label} 没有指标值：先运行 shopkpi compute --period {label}")
        ratings, teams = self.db.ratings_for(label), needs_teams(plans)
        targets = read_targets(self.con, label, self.db.approved_targets(label))

        def score() -> LiveRun:
            data = scoring_input(self.con, label, ratings=ratings, teams=teams, targets=targets)
            return score_period(plans, data)

        # Kept by its inputs: the same inputs give the same run (scoring/live_cache.py).
        return LIVE_RUNS.get(live_key(self.con, label, plans, ratings, targets, teams), score)

    def sheet(
        self, period: str | None = None, version: int | None = None, live: bool = False
    ) -> ScoreSheet:
        """The scores of ``period``: its frozen snapshot (newest, or ``version``) when it
        was closed, else (or with ``live``) scored now."""
        label = self.period(period)
        snap, versions = self._frozen(label, version, live)
        return frozen_sheet(snap, versions) if snap else self.run(label).sheet()

    def export(
        self,
        path: Path,
        period: str | None = None,
        version: int | None = None,
        live: bool = False,
    ) -> tuple[Path, ScoreSheet]:
        """Write the period's finance workbook (frozen snapshot, or the live scores)."""
        from shopkpi.scoring.export import write_workbook

        label = self.period(period)
        snap, versions = self._frozen(label, version, live)
        sheet = frozen_sheet(snap, versions) if snap else self.run(label).sheet()
        return write_workbook(path, sheet, snap, self.db, self.plans()), sheet

    def _frozen(
        self, label: str, version: int | None, live: bool
    ) -> tuple[Snapshot | None, list[int]]:
        """The snapshot to show (None: score live) and every version of the period."""
        if live:
            return None, []
        snaps = self.db.snapshots(label)
        versions = [s.version for s in snaps]
        if version is None:
            return (snaps[-1] if snaps else None), versions
        chosen = next((s for s in snaps if s.version == version), None)
        if chosen is None:
            have = "、".join(map(str, versions)) or "无"
            raise ScoringError(f"周期 {label} 没有第 {version} 版封账（已有版本：{have}）")
        return chosen, versions

    def scorecard(
        self, staff: str, period: str | None = None, version: int | None = None, live: bool = False
    ) -> tuple[ScoreSheet, PersonRecord]:
        """One person's scorecard (staff id, name or sub-account, as ``explain`` takes)."""
        who = self.memo(("staff", staff), lambda: resolve_staff(self.con, staff))
        sheet = self.sheet(period, version, live)
        found = sheet.person(who.staff_id)
        if found is None:
            why = next((u["reason"] for u in sheet.unscored if u["staff_id"] == who.staff_id), None)
            raise ScoringError(
                f"{who.describe()} 在 {sheet.period} 没有评分卡：{why or '不在当期花名册上'}"
            )
        return sheet, found

    def close(
        self, period: str, actor: str, reason: str | None = None, force: bool = False
    ) -> Snapshot:
        """Freeze ``period``'s scorecards and bonuses as its next snapshot version.

        Raises:
            ScoringError: a plan is not adopted, or nobody was scored.
            AppDBError: pending items without ``force``; a missing reason.
        """
        run = self.run(period)
        drafts = [p.ref.plan for p in run.plans.plans if not p.adopted]
        if drafts:
            raise ScoringError(
                f"封账只用已采用的方案；「{'、'.join(drafts)}」尚未采用：先运行 shopkpi plan adopt"
            )
        if not run.people:
            raise ScoringError(f"周期 {run.period} 没有任何人适用考核方案，无可封账")
        return self.db.freeze(
            run.period,
            plans=[p.ref for p in run.plans.plans],
            inputs_hash=run.inputs_hash,
            payload=run.payload(),
            actor=actor,
            reason=reason,
            forced=force,
            pending=run.pending(),
        )

    def snapshots(self, period: str | None = None) -> list[Snapshot]:
        return self.db.snapshots(self.period(period))

    def simulate(self, path: Path, period: str | None = None) -> Simulation:
        """What ``path`` would change against the plans in use; nothing is written."""
        return simulate(self, path, self.period(period))

    def _has_values(self, label: str) -> bool:
        rows = self.con.execute(
            "SELECT count(*) FROM metric_value WHERE period = ?", [label]
        ).fetchall()
        return bool(rows[0][0])


def plans_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the plan files (a draft may change on disk
    without an app-DB change)."""
    if not folder.is_dir():
        return ()
    return tuple(
        sorted(
            (e.name, e.stat().st_size, e.stat().st_mtime_ns)
            for e in os.scandir(folder)
            if e.is_file()
        )
    )
