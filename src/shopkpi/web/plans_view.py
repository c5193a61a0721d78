"""What the plans pages show: plan files with their adoption status, findings, what-ifs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shopkpi.appdb.plans import content_hash
from shopkpi.errors import Problem
from shopkpi.metrics.display import format_number
from shopkpi.metrics.model import Unit
from shopkpi.scoring.adoption import latest_adoptions
from shopkpi.scoring.findings import Finding
from shopkpi.scoring.load import parse_plan
from shopkpi.scoring.simulate import Side, Simulation
from shopkpi.scoring.validate import plan_files
from shopkpi.workspace import Workspace


@dataclass(frozen=True)
class PlanFile:
    """A file in ``plans/``: its plan name and whether it is what the app scores with."""

    file: str
    plan: str | None
    status: str
    adopted_version: int | None


@dataclass(frozen=True)
class FindingRow:
    file: str
    line: int | None
    message: str
    hint: str
    severity: str


@dataclass(frozen=True)
class SimLine:
    """One person in a what-if, each column as ``old → new`` text (``—``: not scored)."""

    staff_id: str
    name: str
    total: tuple[str, str]
    grade: tuple[str, str]
    rank: tuple[str, str]
    bonus: tuple[str, str]


def plan_path(ws: Workspace, name: str) -> Path | None:
    """The plan file called ``name`` in ``plans/`` (None for any other name: no traversal)."""
    return next((p for p in plan_files(ws.root / "plans") if p.name == name), None)


def plan_rows(ws: Workspace) -> list[PlanFile]:
    adopted = {a.plan_name: a for a in latest_adoptions(ws.appdb)}
    rows = []
    for path in plan_files(ws.root / "plans"):
        text = path.read_text(encoding="utf-8-sig")
        loaded, _ = parse_plan(text, path.name)
        name = loaded.plan.plan if loaded else None
        a = adopted.get(name or "")
        if loaded is None:
            status = "无法解析"
        elif a is None:
            status = "未采用"
        elif a.content_hash == content_hash(text):
            status = f"已采用（第 {a.version} 版）"
        else:
            status = f"与已采用的第 {a.version} 版不同"
        rows.append(PlanFile(path.name, name, status, a.version if a else None))
    return rows


def finding_rows(problems: Sequence[Problem]) -> list[FindingRow]:
    """Findings with the file's bare name (an uploaded draft's temp folder is not shown)."""
    return [
        FindingRow(
            Path(p.file).name,
            p.line,
            p.message,
            p.hint or "",
            "错误" if not isinstance(p, Finding) or p.is_error else "注意",
        )
        for p in problems
    ]


def sim_lines(sim: Simulation) -> list[SimLine]:
    return [
        SimLine(
            r.staff_id,
            r.name,
            _pair(r.old, r.new, lambda s: str(s.total)),
            _pair(r.old, r.new, lambda s: s.grade or "—"),
            _pair(r.old, r.new, lambda s: str(s.rank)),
            _pair(r.old, r.new, lambda s: money(s.bonus)),
        )
        for r in sim.rows
    ]


def money(v: Decimal | None) -> str:
    return "—" if v is None else format_number(Unit.yuan, v)


def signed_money(v: Decimal) -> str:
    return ("+" if v >= 0 else "−") + format_number(Unit.yuan, abs(v))


def _pair(old: Side | None, new: Side | None, show: Callable[[Side], str]) -> tuple[str, str]:
    return (show(old) if old else "—", show(new) if new else "—")
