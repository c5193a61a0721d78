"""Load plan YAML, keeping each node's line so that every problem names file and line.

The text is composed once into a node tree (PyYAML records a start mark per node) and
constructed from it; :class:`Marks` walks that tree along a path like
``("sections", 0, "items", 1, "metric")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shopkpi.errors import ConfigError
from shopkpi.scoring.findings import Finding, errors
from shopkpi.scoring.plan import Plan

PathPart = int | str


@dataclass(frozen=True)
class Marks:
    """Line lookup in a composed YAML document."""

    node: yaml.Node | None

    def walk(self, path: tuple[PathPart, ...]) -> tuple[int | None, int]:
        """The 1-based line of the deepest node along ``path`` (a mapping value is placed
        on its key's line) and how many parts of the path it consumed."""
        node, used = self.node, 0
        line = None if node is None else node.start_mark.line + 1
        for part in path:
            found = _child(node, part)
            if found is None:
                break
            marker, node = found
            line, used = marker.start_mark.line + 1, used + 1
        return line, used

    def line(self, *path: PathPart) -> int | None:
        """1-based line of the node at ``path`` (or of its deepest existing ancestor)."""
        return self.walk(path)[0]


def _child(node: yaml.Node | None, part: PathPart) -> tuple[yaml.Node, yaml.Node] | None:
    """(the node whose line marks the child, the child) — a key marks its value."""
    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if k.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child, child
    return None


@dataclass(frozen=True)
class LoadedPlan:
    """A parsed plan with where it came from."""

    path: str
    plan: Plan
    marks: Marks

    def finding(self, message: str, *path: PathPart, hint: str | None = None, **kw: Any) -> Finding:
        return Finding(self.path, message, self.marks.line(*path), hint=hint, **kw)


def read_plan(path: Path) -> tuple[LoadedPlan | None, list[Finding]]:
    """Parse ``path``: the plan, or ``None`` and every problem that stopped it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return None, [Finding(str(path), f"无法读取文件：{exc.strerror or exc}")]
    return parse_plan(text, str(path))


def parse_plan(text: str, name: str) -> tuple[LoadedPlan | None, list[Finding]]:
    """Parse plan YAML text; ``name`` is the file name used in findings.

    Memoised on ``(text, name)``: scoring parses every adopted version and every file in
    ``plans/`` on each request, and the result is immutable (frozen plan and marks)."""
    loaded, found = _parse_plan(text, name)
    return loaded, list(found)


@lru_cache(maxsize=64)
def _parse_plan(text: str, name: str) -> tuple[LoadedPlan | None, tuple[Finding, ...]]:
    loaded, found = _parse_uncached(text, name)
    return loaded, tuple(found)


def _parse_uncached(text: str, name: str) -> tuple[LoadedPlan | None, list[Finding]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Finding(name, f"YAML 语法错误：{problem}", line, hint="检查缩进、冒号和括号")]
    marks = Marks(node)
    found = _duplicate_keys(node, name)
    if not isinstance(data, dict):
        return None, [
            *found,
            Finding(name, "考核方案应是一个 YAML 映射（plan: …、sections: …）", 1),
        ]
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        return None, found + [_finding(name, marks, err) for err in exc.errors()]
    return LoadedPlan(name, plan, marks), found


def load_plan(path: Path) -> LoadedPlan:
    """Parse ``path`` or raise :class:`ConfigError` listing every problem."""
    loaded, found = read_plan(path)
    if loaded is None or errors(found):
        raise ConfigError(list(errors(found)))
    return loaded


def _duplicate_keys(node: yaml.Node | None, name: str) -> list[Finding]:
    found: list[Finding] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                line = key.start_mark.line + 1
                found.append(
                    Finding(
                        name,
                        f"重复的键「{key.value}」",
                        line,
                        hint="后一个会覆盖前一个，请删掉一个",
                    )
                )
            seen.add(key.value)
            found += _duplicate_keys(value, name)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            found += _duplicate_keys(child, name)
    return found


def _finding(name: str, marks: Marks, err: Any) -> Finding:
    loc: tuple[PathPart, ...] = tuple(err["loc"])
    line, used = marks.walk(loc)
    where = _dotted(loc[:used]) or "(顶层)"
    message, hint = _explain(err, loc)
    return Finding(name, f"{where}: {message}", line, hint=hint)


def _dotted(loc: tuple[PathPart, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _explain(err: Any, loc: tuple[PathPart, ...]) -> tuple[str, str | None]:
    kind = err["type"]
    last = loc[-1] if loc else ""
    if kind == "missing":
        return f"缺少必填字段「{last}」", "见 docs/plans.md 的字段说明"
    if kind == "extra_forbidden":
        return f"未知字段「{last}」", "检查拼写；可用字段见 docs/plans.md 或 shopkpi plan schema"
    if kind in (
        "decimal_parsing",
        "decimal_type",
        "float_parsing",
        "int_parsing",
        "decimal_max_digits",
    ):
        return f"应为数字：{err.get('input')!r}", None
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        return f"取值不对：{err.get('input')!r}", f"可选值：{expected}"
    if kind == "union_tag_invalid":
        return (
            "adjustments 的 kind 不对",
            "可选：weight_schedule（日历时段）、lifecycle（商品生命周期）、link（部门联动）",
        )
    if kind == "union_tag_not_found":
        return "调整项缺少 kind", "可选：weight_schedule、lifecycle、link"
    return str(err["msg"]), None
