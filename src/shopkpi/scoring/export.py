"""The finance workbook of a period (``shopkpi export --format xlsx``).

The scorecards come from the period's score sheet: a frozen snapshot's records (rebuilt
as typed scorecards, never recomputed) or the live scores. The plans are the exact
adopted texts the scores were made with.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.records import PlanRef, Snapshot
from shopkpi.errors import ConfigError, Problem
from shopkpi.scoring.adoption import PlanSet
from shopkpi.scoring.load import parse_plan
from shopkpi.scoring.rehydrate import pay_line, scorecard
from shopkpi.scoring.view import ScoreSheet

if TYPE_CHECKING:
    from shopkpi.report.excel_plan import PlanSource


def write_workbook(
    path: Path, sheet: ScoreSheet, snapshot: Snapshot | None, db: AppDB, plans: PlanSet
) -> Path:
    """Write ``sheet`` as the finance workbook at ``path``."""
    from shopkpi.report.excel import write_score_workbook

    cards = [scorecard(p) for p in sheet.people]
    lines = [line for p in sheet.people if (line := pay_line(p)) is not None]
    sources = plan_sources(sheet.plans, db, plans)
    return write_score_workbook(path, sheet.period, cards, lines, sources, frozen=snapshot)


def plan_sources(refs: Sequence[PlanRef], db: AppDB, plans: PlanSet) -> list[PlanSource]:
    """Each plan version's exact text: adopted versions from the app DB, drafts from files."""
    from shopkpi.report.excel import PlanSource

    texts = {(a.plan_name, a.version): a.content for a in db.adoptions()}
    texts |= {(p.ref.plan, p.ref.version): p.text for p in plans.plans}
    out: list[PlanSource] = []
    for ref in refs:
        text = texts.get((ref.plan, ref.version))
        if text is None:
            continue
        lp, _ = parse_plan(text, ref.plan)
        if lp is None:
            raise ConfigError([Problem(ref.plan, f"第 {ref.version} 版方案无法解析")])
        out.append(PlanSource(lp.plan, text, ref.version or None, ref.hash))
    return out
