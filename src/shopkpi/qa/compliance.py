"""Compliance rules (违规用语/违规承诺): 广告法 words and promises the shop cannot keep.

Sources, all loaded once by :meth:`ComplianceRules.load` and compiled into a few regexes:

- **广告法 seed** — ``qa/data/ad_law_terms_seed.csv``, a copy of the project's shared
  ``data/ad_law_seed/ad_law_terms_seed.csv`` (see its ``README.md`` and
  ``qa/data/README.md``: written for this project, each term citing its article of
  《中华人民共和国广告法》; exemption notes paraphrase the SAMR guide
  《广告绝对化用语执法指南》 (2023); licence-clean). Every term is a rule
  ``compliance.<category>`` (absolute, authority, medical, finance, education, false_claim)
  of Category.compliance, except 保证 (guarantee), which is ``promise.guarantee``.
  ``qa/data/ad_law_context.yaml`` adds synonyms and the context exemptions
  (最近, 最后一件, 最佳使用时间, 第一时间 …) and the 最+adjective pattern.
- **Promise patterns** — ``qa/data/promise_patterns.yaml``: ``promise.guarantee`` (承诺有效,
  必过检测) and ``promise.return_policy`` (随时退, 终身包退, 不满意全额退, a no-reason return
  period longer than ``return_policy_days``).
- **Compensation** — ``promise.compensation`` has one matcher, in the gaming signals
  (:func:`shopkpi.qa.gaming.compensation_hits` over the QA settings' ``compensation_patterns``
  minus ``compensation_allowed``), which report it per session. :func:`compensation_findings`
  gives it for one message, and :meth:`ComplianceRules.check` includes it only when loaded
  with ``compensation=True`` (the live endpoint), so a batch run never reports it twice.
- **The shop's own rules** — a ``qa.rules`` YAML file (:class:`ShopRulesFile`).

Only the shop's own words are checked: human agent messages and auto-replies (an auto-reply
is text the shop wrote, so a 广告法 word in it is just as much the shop's). Buyer and system
messages are never checked. Rules match on the normalised text (:mod:`shopkpi.qa.text`)
and every finding's span points into the original text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shopkpi.config.loader import load_yaml_model
from shopkpi.errors import ConfigError, Problem
from shopkpi.qa import gaming
from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings
from shopkpi.qa.text import NormalizedText, normalize

DATA = Path(__file__).resolve().parent / "data"
CHECKED_SPEAKERS = frozenset({Speaker.agent, Speaker.auto})
COMPENSATION_RULE = "promise.compensation"
_LOOKBACK = 12  # how far before a hit an exemption may start


@dataclass(frozen=True)
class SeedCategory:
    """How a category of the ad-law seed becomes a rule."""

    rule: str
    category: Category
    severity: Severity
    label: str  # the kind of wording, in the finding's detail


# absolute, medical and authority are the main risks in CS chat (seed README): high.
SEED_CATEGORIES = {
    "absolute": SeedCategory(
        "compliance.absolute", Category.compliance, Severity.high, "绝对化用语"
    ),
    "absolute/false-claim": SeedCategory(
        "compliance.false_claim", Category.compliance, Severity.medium, "夸大、虚假宣传用语"
    ),
    "authority": SeedCategory(
        "compliance.authority", Category.compliance, Severity.high, "借国家机关名义用语"
    ),
    "medical": SeedCategory(
        "compliance.medical",
        Category.compliance,
        Severity.high,
        "医疗用语（非医疗商品不得宣称疗效）",
    ),
    "finance": SeedCategory(
        "compliance.finance", Category.compliance, Severity.medium, "保本、保收益承诺"
    ),
    "education": SeedCategory(
        "compliance.education", Category.compliance, Severity.medium, "保过承诺"
    ),
    "guarantee": SeedCategory(
        "promise.guarantee", Category.promise, Severity.medium, "功效、安全性保证"
    ),
}


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"正则表达式无效：{pattern!r}（{exc}）") from exc
    if compiled.fullmatch(""):
        raise ValueError(f"正则表达式会匹配空文本：{pattern!r}")
    return compiled


CheckedSpeaker = Literal[Speaker.agent, Speaker.auto]


def _both_speakers() -> list[CheckedSpeaker]:
    return [Speaker.agent, Speaker.auto]


class RuleSpec(BaseModel):
    """One rule of a shop's ``qa.rules`` file (and of the built-in promise patterns).

    ``pattern`` is a list of plain words, or one regex (a string). Both match the normalised
    text: half-width, lower case. ``exempt`` lists harmless contexts in the same form: a hit
    that begins inside a match of one of them is not reported.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    pattern: str | list[str]
    category: Literal[Category.compliance, Category.promise] = Category.compliance
    severity: Severity = Severity.medium
    exempt: list[str] = Field(default_factory=list)
    speakers: list[CheckedSpeaker] = Field(default_factory=_both_speakers, min_length=1)
    detail: str = ""

    @field_validator("pattern")
    @classmethod
    def _pattern_valid(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list):
            if not value or not all(word.strip() for word in value):
                raise ValueError("词表不能为空，也不能含空词")
        else:
            _compile(value)
        return value

    @model_validator(mode="after")
    def _exempt_valid(self) -> RuleSpec:
        if isinstance(self.pattern, str):
            for pattern in self.exempt:
                _compile(pattern)
        return self

    def regex(self) -> str:
        """The rule's pattern as one regex."""
        return _regex_of(self.pattern)

    def exempt_regexes(self) -> tuple[re.Pattern[str], ...]:
        """The exemptions, compiled."""
        if isinstance(self.pattern, list):
            return tuple(_compile(_regex_of([word])) for word in self.exempt)
        return tuple(_compile(pattern) for pattern in self.exempt)


def _regex_of(pattern: str | list[str]) -> str:
    if isinstance(pattern, str):
        return pattern
    words = sorted({normalize(word.strip()).text for word in pattern}, key=len, reverse=True)
    return "|".join(re.escape(word) for word in words)


class ShopRulesFile(BaseModel):
    """A shop's ``qa.rules`` file: its own rules and its return policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    return_policy_days: int = Field(7, ge=0, description="无理由退货天数 the shop offers.")
    disable: list[str] = Field(default_factory=list, description="Built-in rule ids to turn off.")
    rules: list[RuleSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_unique(self) -> ShopRulesFile:
        ids = [rule.id for rule in self.rules]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"规则 id 重复：{', '.join(duplicated)}")
        return self


class _BuiltinRule(RuleSpec):
    filter: Literal["longer_than_return_days"] | None = None


class _BuiltinFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rules: list[_BuiltinRule]


class _TermContext(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pattern: str | None = None
    also: list[str] = Field(default_factory=list)
    exempt: list[str] = Field(default_factory=list)


class _ContextFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    terms: dict[str, _TermContext]


@dataclass(frozen=True)
class _Alt:
    """One alternative of a scan: what a hit of it becomes."""

    rule: str
    category: Category
    severity: Severity
    detail: str  # template: {matched}, {return_days}
    exempt: tuple[re.Pattern[str], ...] = ()
    only_longer_than_policy: bool = False


@dataclass(frozen=True)
class _Scan:
    """One compiled regex; alternatives are named groups ``a0``, ``a1`` … when several."""

    regex: re.Pattern[str]
    alts: tuple[_Alt, ...]
    speakers: frozenset[Speaker]

    @classmethod
    def build(
        cls, parts: list[tuple[str, _Alt]], speakers: Iterable[Speaker] = CHECKED_SPEAKERS
    ) -> _Scan:
        if len(parts) == 1:
            regex = _compile(parts[0][0])
        else:
            regex = _compile("|".join(f"(?P<a{i}>{p})" for i, (p, _) in enumerate(parts)))
        return cls(regex, tuple(alt for _, alt in parts), frozenset(speakers))

    @property
    def rules(self) -> frozenset[str]:
        return frozenset(alt.rule for alt in self.alts)

    def alt_of(self, match: re.Match[str]) -> _Alt:
        if len(self.alts) == 1:
            return self.alts[0]
        return self.alts[int((match.lastgroup or "a0")[1:])]


# --------------------------------------------------------------------------- loading
def _seed_rows() -> list[dict[str, str]]:
    """The seed CSV's rows, with ``同上`` (ditto) resolved to the basis of the row above."""
    with (DATA / "ad_law_terms_seed.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    basis = ""
    for row in rows:
        basis = basis if row["basis"].strip() == "同上" else row["basis"].strip()
        row["basis"] = basis.replace("广告法 ", "广告法")
    return rows


def _seed_scans() -> list[_Scan]:
    """One scan per seed rule id; longer terms first, so 最佳 wins over 最+adjective."""
    context = load_yaml_model(DATA / "ad_law_context.yaml", _ContextFile).terms
    by_rule: dict[str, list[tuple[int, str, _Alt]]] = {}
    for row in _seed_rows():
        term, kind = row["term"].strip(), SEED_CATEGORIES[row["category"].strip()]
        ctx = context.get(term, _TermContext())
        words = [normalize(w).text for w in [term, *ctx.also]]
        pattern = ctx.pattern or "|".join(
            re.escape(w) for w in sorted(words, key=len, reverse=True)
        )
        detail = f"{row['basis']} {kind.label}「{{matched}}」"
        exempt = tuple(_compile(p) for p in ctx.exempt)
        alt = _Alt(kind.rule, kind.category, kind.severity, detail, exempt)
        by_rule.setdefault(kind.rule, []).append((len(term), pattern, alt))
    scans = []
    for parts in by_rule.values():
        parts.sort(key=lambda part: -part[0])  # stable: the CSV order among equals
        scans.append(_Scan.build([(pattern, alt) for _, pattern, alt in parts]))
    return scans


def _spec_scan(spec: RuleSpec, only_longer_than_policy: bool = False) -> _Scan:
    detail = spec.detail or f"店铺规则 {spec.id}「{{matched}}」"
    alt = _Alt(
        spec.id,
        Category(spec.category),
        spec.severity,
        detail,
        spec.exempt_regexes(),
        only_longer_than_policy,
    )
    return _Scan.build([(spec.regex(), alt)], spec.speakers)


def _load_shop_file(path: Path) -> ShopRulesFile:
    """The shop's rules; problems name the file, the line and the rule (第N条规则)."""
    try:
        return load_yaml_model(path, ShopRulesFile)
    except ConfigError as exc:
        raise ConfigError([_with_rule_number(p) for p in exc.problems]) from exc


def _with_rule_number(problem: Problem) -> Problem:
    match = re.match(r"rules\.(\d+)", problem.message)
    if match is None:
        return problem
    return replace(problem, message=f"第{int(match.group(1)) + 1}条规则 {problem.message}")


# --------------------------------------------------------------------------- matching
_CN_DIGITS = dict(zip("零一二两三四五六七八九", (0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_UNITS = {"十": 10, "百": 100}
_DURATION = re.compile(r"(\d+|[一二两三四五六七八九十百半]+)\s*(?:个)?(天|日|周|星期|礼拜|月|年)")
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30, "年": 365}


def _number(text: str) -> float:
    """An Arabic or Chinese number: 15, 十五, 三十, 一百, 半."""
    if text.isdigit():
        return int(text)
    if text == "半":
        return 0.5
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[char]
            current = 0
    return total + current


def duration_days(text: str) -> float | None:
    """The first period in ``text`` in days (一年 = 365, 一个月 = 30, 两周 = 14)."""
    match = _DURATION.search(text)
    if match is None:
        return None
    return _number(match.group(1)) * _UNIT_DAYS[match.group(2)]


def _exempt(alt: _Alt, text: str, start: int) -> bool:
    """Whether the hit begins inside a match of one of the alternative's exemptions.

    So 最佳使用时间 exempts 最佳, 您最好 exempts 最好 and 不保证 exempts 保证效果.
    """
    for exemption in alt.exempt:
        for pos in range(max(0, start - _LOOKBACK), start + 1):
            found = exemption.match(text, pos)
            if found is not None and found.end() > start:
                return True
    return False


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Sorted by position; an overlapping second hit of the same rule is dropped."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start or 0, -(f.end or 0), f.rule)):
        if not any(k.rule == finding.rule and (k.end or 0) > (finding.start or 0) for k in kept):
            kept.append(finding)
    return kept


class ComplianceRules:
    """The compiled rules; build once with :meth:`load`, then :meth:`check` each message."""

    def __init__(
        self,
        scans: list[_Scan],
        return_policy_days: int = 7,
        settings: QASettings | None = None,
        compensation: bool = False,
    ) -> None:
        self.scans = scans
        self.return_policy_days = return_policy_days
        self.settings = settings or QASettings()
        self.compensation = compensation

    @classmethod
    def load(
        cls,
        extra_yaml: Path | None = None,
        settings: QASettings | None = None,
        compensation: bool = False,
    ) -> ComplianceRules:
        """The built-in rules plus the shop's rules file, if it exists.

        Args:
            extra_yaml: the shop's rules file (``qa.rules_file``); a missing file adds none.
            settings: the QA settings (their compensation lists).
            compensation: whether :meth:`check` reports ``promise.compensation`` too. Off by
                default because the gaming signals (``qa/gaming.py``) already report it per
                session; :func:`compensation_findings` gives it on demand either way.

        Raises:
            ConfigError: the shop's file has problems; each names the file, line and rule.
        """
        shop = ShopRulesFile()
        if extra_yaml is not None and extra_yaml.exists():
            shop = _load_shop_file(extra_yaml)
        builtin = load_yaml_model(DATA / "promise_patterns.yaml", _BuiltinFile).rules
        scans = _seed_scans()
        scans += [_spec_scan(s, s.filter == "longer_than_return_days") for s in builtin]
        known = {alt.rule for scan in scans for alt in scan.alts}
        unknown = sorted(set(shop.disable) - known)
        if unknown:
            hint = f"可用的内置规则：{', '.join(sorted(known))}"
            raise ConfigError([Problem(str(extra_yaml), f"disable: 未知规则 {unknown}", hint=hint)])
        scans = [s for s in scans if not {a.rule for a in s.alts} <= set(shop.disable)]
        scans = [
            replace(s, alts=tuple(a for a in s.alts if a.rule not in shop.disable)) for s in scans
        ]
        scans += [_spec_scan(spec) for spec in shop.rules]
        return cls(scans, shop.return_policy_days, settings, compensation)

    def check(self, message: QAMessage, rule_ids: frozenset[str] | None = None) -> list[Finding]:
        """Every rule hit in one agent or auto-reply message (none for buyers or system).

        Args:
            message: the message.
            rule_ids: check only these rules (all when None; ``promise.compensation`` is one
                only when the rules were loaded with ``compensation=True``).
        """
        if message.speaker not in CHECKED_SPEAKERS:
            return []
        norm = normalize(message.text)
        findings: list[Finding] = []
        scans = self.scans if rule_ids is None else [s for s in self.scans if s.rules & rule_ids]
        for scan in scans:
            if message.speaker not in scan.speakers:
                continue
            for match in scan.regex.finditer(norm.text):
                alt = scan.alt_of(match)
                if rule_ids is not None and alt.rule not in rule_ids:
                    continue
                if match.end() > match.start() and self._keeps(alt, norm.text, match):
                    findings.append(self._finding(message, norm, match, alt))
        if self.compensation and (rule_ids is None or COMPENSATION_RULE in rule_ids):
            findings += compensation_findings(self, message)
        return _dedupe(findings)

    def _keeps(self, alt: _Alt, text: str, match: re.Match[str]) -> bool:
        if _exempt(alt, text, match.start()):
            return False
        if alt.only_longer_than_policy:
            days = duration_days(match.group())
            return days is not None and days > self.return_policy_days
        return True

    def _finding(
        self, message: QAMessage, norm: NormalizedText, match: re.Match[str], alt: _Alt
    ) -> Finding:
        start, end = norm.to_original(match.start(), match.end())
        matched = message.text[start:end]
        detail = alt.detail.replace("{matched}", matched)
        detail = detail.replace("{return_days}", str(self.return_policy_days))
        if message.speaker is Speaker.auto:
            detail = "（自动回复）" + detail
        return Finding(
            rule=alt.rule,
            category=alt.category,
            severity=alt.severity,
            session_id=message.session_id,
            message_id=message.message_id,
            staff_id=message.staff_id,
            matched=matched,
            start=start,
            end=end,
            detail=detail,
        )


def compensation_findings(rules: ComplianceRules, message: QAMessage) -> list[Finding]:
    """The ``promise.compensation`` hits of one human agent message (the gaming matcher)."""
    return gaming.compensation([message], rules.settings)
