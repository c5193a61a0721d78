"""``alerts.yaml``: channels and alert rules as frozen pydantic models, loaded and resolved
with every problem reported by file, line and rule (see ``insights/alerts.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shopkpi.config.loader import _line_of
from shopkpi.errors import ConfigError, Problem
from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.insights.channels import INBOX, ChannelSpec
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import MetricDef

RULES_FILE = "alerts.yaml"


class AlertGrain(StrEnum):
    day = "day"
    month_to_date = "month-to-date"


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class Condition(BaseModel):
    """Exactly one of the four tests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pace_below: Decimal | None = None
    value_below: Decimal | None = None
    value_above: Decimal | None = None
    change_below: Decimal | None = None

    @model_validator(mode="after")
    def _one(self) -> Condition:
        if len(self.model_dump(exclude_none=True)) != 1:
            raise ValueError("条件只能写一个：pace_below、value_below、value_above 或 change_below")
        return self

    @property
    def kind(self) -> str:
        return next(iter(self.model_dump(exclude_none=True)))

    @property
    def threshold(self) -> Decimal:
        return Decimal(str(self.model_dump(exclude_none=True)[self.kind]))

    def fires(self, measure: Decimal) -> bool:
        above = self.kind == "value_above"
        return measure > self.threshold if above else measure < self.threshold


class RuleSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=128)
    metric: str
    scope: str = "shop"
    condition: Condition
    grain: AlertGrain = AlertGrain.month_to_date
    channels: list[str] = []
    quiet_minutes: int = Field(240, ge=0)
    severity: Severity = Severity.medium
    title: str | None = None


class AlertsFile(BaseModel):
    """``alerts.yaml``: channels, rules, and the channels live QA escalations go to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channels: list[ChannelSpec] = []
    rules: list[RuleSpec] = []
    escalation_channels: list[str] = []


@dataclass(frozen=True)
class Scope:
    kind: EntityKind
    entity_id: str | None  # None: every entity of the kind

    @classmethod
    def parse(cls, text: str) -> Scope:
        text = text.strip()
        if text == "shop":
            return cls(EntityKind.shop, None)
        if text in ("every staff", "every team"):
            return cls(EntityKind(text.split()[1]), None)
        kind, _, ident = text.partition(":")
        if kind in ("team", "staff") and ident.strip():
            return cls(EntityKind(kind), ident.strip())
        raise ValueError(
            f"范围 {text!r} 无法识别：shop、team:<组名>、staff:<员工编号> 或 every staff"
        )


@dataclass(frozen=True)
class Rule:
    """A resolved rule: its metric definition, scope and channels."""

    spec: RuleSpec
    metric: MetricDef
    scope: Scope
    channels: tuple[ChannelSpec, ...]


@dataclass(frozen=True)
class AlertRules:
    rules: tuple[Rule, ...]
    channels: Mapping[str, ChannelSpec]
    escalation_channels: tuple[ChannelSpec, ...]


# Loading -------------------------------------------------------------------------------


def load_rules(path: Path) -> AlertRules:
    """Parse and resolve ``alerts.yaml``; every problem names the file, line and rule.

    Raises:
        ConfigError: listing every problem.
    """
    name = str(path)
    if not path.exists():
        hint = "写一个 alerts.yaml（格式见 docs/insights.md「Alerts and channels」）"
        raise ConfigError([Problem(name, "文件不存在", hint=hint)])
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError([Problem(name, f"YAML 格式错误：{exc}", line)]) from exc
    try:
        raw = AlertsFile.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(name, node, data, e["loc"], e["msg"]) for e in exc.errors()]
        raise ConfigError(problems) from exc
    return _resolve(name, node, raw)


def _problem(
    file: str, node: yaml.Node | None, data: Any, loc: Sequence[int | str], msg: str
) -> Problem:
    where = ".".join(str(p) for p in loc) or "(顶层)"
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") if isinstance(data, dict) else None
        rule = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else None
        if isinstance(rule, dict) and rule.get("id"):
            where = f"规则 {rule['id']}：{where}"
    return Problem(file, f"{where}: {msg}", _line_of(node, tuple(loc)))


def _resolve(name: str, node: yaml.Node | None, raw: AlertsFile) -> AlertRules:
    problems: list[Problem] = []
    channels: dict[str, ChannelSpec] = {"inbox": INBOX}
    for i, ch in enumerate(raw.channels):
        line = _line_of(node, ("channels", i))
        if ch.id in channels:
            problems.append(Problem(name, f"渠道 {ch.id} 重复定义", line))
        problems += [Problem(name, msg, line) for msg in ch.problems()]
        channels[ch.id] = ch
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, spec in enumerate(raw.rules):
        found = _rule_problems(spec, channels, seen)
        problems += [Problem(name, f"规则 {spec.id}：{m}", _line_of(node, ("rules", i, f))) for f, m in found]  # fmt: skip
        seen.add(spec.id)
        if not found:
            linked = tuple(channels[c] for c in spec.channels)
            rules.append(Rule(spec, CATALOG[spec.metric], Scope.parse(spec.scope), linked))
    unknown = [c for c in raw.escalation_channels if c not in channels]
    problems += [Problem(name, f"escalation_channels：未定义的渠道 {c}", _line_of(node, ("escalation_channels",))) for c in unknown]  # fmt: skip
    if problems:
        raise ConfigError(problems)
    escalation = tuple(channels[c] for c in raw.escalation_channels)
    return AlertRules(tuple(rules), channels, escalation)


def _rule_problems(
    spec: RuleSpec, channels: Mapping[str, ChannelSpec], seen: set[str]
) -> list[tuple[str, str]]:
    """(field, message) for each problem of one rule."""
    out: list[tuple[str, str]] = [("id", "规则编号重复")] if spec.id in seen else []
    metric = CATALOG.get(spec.metric)
    if metric is None:
        out.append(("metric", f"未知指标 {spec.metric!r}（`shopkpi metrics` 列出全部指标）"))
    try:
        Scope.parse(spec.scope)
    except ValueError as exc:
        out.append(("scope", str(exc)))
    out += [("channels", f"未定义的渠道 {c}") for c in spec.channels if c not in channels]
    daily_only = spec.condition.kind == "change_below"
    if daily_only and spec.grain is not AlertGrain.day:
        out.append(("grain", "change_below（与上周同日比）只用于 grain: day"))
    mtd = spec.grain is AlertGrain.month_to_date
    if metric is not None and mtd and not metric.additive:
        out.append(("grain", f"指标 {metric.id} 不能按日累加，只能用 grain: day"))
    return out
