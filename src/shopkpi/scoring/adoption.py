"""Which plans the app scores with: adopted versions only (DESIGN §9).

``shopkpi plan adopt FILE`` stores the file's exact text as the plan's next version in the
app DB (with an audit row). Scoring reads the newest adopted version of every plan name,
never the files in ``plans/`` directly, so editing a file changes nothing until it is
adopted. Until the first adoption, the workspace has nothing to score with; then (and
only then) ``score``, ``scorecard`` and ``simulate`` fall back to the files in ``plans/``
as drafts (版本 0, 未采用), say so, and ``close`` refuses (docs/plans.md, Adoption).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.plans import content_hash
from shopkpi.appdb.records import Adoption, PlanRef
from shopkpi.errors import ConfigError, Problem
from shopkpi.scoring.findings import errors
from shopkpi.scoring.load import LoadedPlan, load_plan, parse_plan
from shopkpi.scoring.plan import Plan
from shopkpi.scoring.subjects import Subject
from shopkpi.scoring.validate import check_files, overlaps, plan_files

DRAFT = 0  # the version number of a plan file that was never adopted


@dataclass(frozen=True)
class ActivePlan:
    """A plan the app scores with, and the exact version (``DRAFT`` = not adopted)."""

    plan: Plan
    ref: PlanRef
    text: str

    @property
    def adopted(self) -> bool:
        return self.ref.version != DRAFT


@dataclass(frozen=True)
class PlanSet:
    """The plans of a scoring run, and notes about plan files that differ from them."""

    plans: tuple[ActivePlan, ...]
    notes: tuple[str, ...] = ()

    @property
    def adopted(self) -> bool:
        return bool(self.plans) and all(p.adopted for p in self.plans)

    def ref(self, name: str) -> PlanRef:
        return next(p.ref for p in self.plans if p.plan.plan == name)


def adopt_file(
    db: AppDB, path: Path, actor: str, roster: Sequence[Subject] | None, root: Path
) -> Adoption:
    """Check ``path`` and adopt it as the next version of its plan.

    Raises:
        ConfigError: the file has errors, or it competes with another adopted plan for
            the same people (nothing is adopted).
    """
    report = check_files([path], roster)
    if not report.ok or not report.plans:
        raise ConfigError(list(report.errors))
    [loaded] = report.plans
    others = [a for a in latest_adoptions(db) if a.plan_name != loaded.plan.plan]
    clash = [f for f in overlaps([loaded, *map(_loaded, others)]) if f.file == loaded.path]
    if clash:
        raise ConfigError(list(clash))
    text = path.read_text(encoding="utf-8-sig")
    return db.adopt_plan(loaded.plan.plan, text, actor=actor, source_file=_relative(path, root))


def latest_adoptions(db: AppDB) -> list[Adoption]:
    """The newest adopted version of every plan name."""
    newest: dict[str, Adoption] = {}
    for a in db.adoptions():
        newest[a.plan_name] = a
    return list(newest.values())


def active_plans(db: AppDB, folder: Path) -> PlanSet:
    """The adopted plans, or, before any adoption, the files in ``folder`` as drafts."""
    adopted = latest_adoptions(db)
    files = plan_files(folder)
    if not adopted:
        drafts = tuple(_draft(p) for p in files)
        note = (
            "尚未采用任何考核方案：按 plans/ 中的文件试算（未采用）；"
            "确认后用 shopkpi plan adopt plans/<文件> --by <姓名> 采用，封账只用已采用的版本"
        )
        return PlanSet(drafts, (note,) if drafts else ())
    plans = tuple(
        ActivePlan(_loaded(a).plan, PlanRef(a.plan_name, a.version, a.content_hash), a.content)
        for a in adopted
    )
    return PlanSet(plans, tuple(_file_notes(files, adopted)))


def _draft(path: Path) -> ActivePlan:
    text = path.read_text(encoding="utf-8-sig")
    plan = load_plan(path).plan
    return ActivePlan(plan, PlanRef(plan.plan, DRAFT, content_hash(text)), text)


def _loaded(a: Adoption) -> LoadedPlan:
    lp, found = parse_plan(a.content, f"{a.plan_name}（第{a.version}版）")
    if lp is None or errors(found):
        problem = Problem(a.plan_name, f"已采用的第 {a.version} 版无法解析")
        raise ConfigError([problem, *errors(found)])
    return lp


def _file_notes(files: Sequence[Path], adopted: Sequence[Adoption]) -> list[str]:
    """Plan files that are not what is scored: never adopted, or edited since."""
    by_name = {a.plan_name: a for a in adopted}
    notes = []
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        lp, _ = parse_plan(text, path.name)
        if lp is None:
            continue
        a = by_name.get(lp.plan.plan)
        where = f"plans/{path.name}"
        if a is None:
            notes.append(f"{where}（方案「{lp.plan.plan}」）尚未采用，不参与评分")
        elif a.content_hash != content_hash(text):
            notes.append(
                f"{where} 与已采用的「{a.plan_name}」第 {a.version} 版不同；评分仍用第 {a.version} 版"
                f"（采用新版：shopkpi plan adopt {where}）"
            )
    return notes


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
