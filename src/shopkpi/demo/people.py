"""The customer-service team: pre-sale and after-sale agents in 1–3 teams, each with a supervisor."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from shopkpi.demo.model import Level, Role, Staff, Traits
from shopkpi.demo.options import DemoOptions
from shopkpi.demo.rand import Rng, digits

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
)
GIVEN = (
    "美丽", "晓雨", "佳琪", "思远", "子涵", "欣怡", "浩然", "雨桐", "梦瑶", "嘉怡", "俊杰", "婷婷", "文博", "诗涵", "一鸣",
    "可馨", "天宇", "静怡", "明轩", "若曦", "志强", "晨曦", "雅琴", "宇航", "慧敏", "子轩", "海燕", "凯文", "丽娜", "书瑶",
    "建华", "秋月", "家豪", "紫萱", "振宇", "晓燕",
)  # fmt: skip
NICKS = (
    "小美", "阿强", "小雨", "糖糖", "阿杰", "七七", "小鹿", "木木", "橙子", "小米", "安安", "乐乐", "豆豆", "阿文", "小北",
    "悠悠", "果果", "阿宁", "小满", "暖暖", "叮当", "小白", "阿飞", "星星", "芒果", "可可", "小夏", "阿哲", "甜甜", "小舟",
)  # fmt: skip

# profile → (reply_seconds, capacity, upsell, conversion, miss_rate, eval_penalty, forbidden_rate)
PROFILES: dict[str, tuple[float, float, float, float, float, float, float]] = {
    "volume": (16, 1.5, 0.85, 0.50, 0.010, 0.0, 0.02),
    "premium": (28, 0.75, 1.7, 0.40, 0.010, 0.0, 0.03),
    "fast": (9, 1.1, 1.0, 0.42, 0.005, -0.3, 0.01),
    "slow": (80, 0.9, 1.0, 0.30, 0.030, 0.6, 0.01),
    "careless": (35, 1.0, 1.0, 0.27, 0.100, 1.5, 0.08),
    "steady": (24, 1.0, 1.0, 0.38, 0.015, 0.0, 0.01),
}
PRESALE_PROFILES = ("volume", "premium", "slow", "careless", "fast", "steady")
AFTERSALE_PROFILES = ("steady", "fast", "careless", "slow")
SENIOR_PROFILES = frozenset({"volume", "premium", "fast"})
SALARY = {Level.junior: 3600, Level.senior: 4800, Level.lead: 7000}
BONUS_BASE = {Level.junior: 1500, Level.senior: 2000, Level.lead: 3000}


def team_names(staff: int) -> tuple[list[str], str]:
    """Pre-sale team names and the after-sale team name for a headcount."""
    if staff < 5:
        return ["客服组"], "客服组"
    if staff < 12:
        return ["售前组"], "售后组"
    return ["售前一组", "售前二组"], "售后组"


def make_staff(rng: Rng, options: DemoOptions) -> list[Staff]:
    """The roster: supervisors first, then pre-sale and after-sale agents."""
    presale_teams, aftersale_team = team_names(options.staff)
    teams = list(dict.fromkeys([*presale_teams, aftersale_team]))
    agents = options.staff - len(teams)
    aftersale = max(1, round(agents * 0.35))
    names = _unique_names(rng, options.staff)
    nicks = _nicks(options.staff)
    people: list[Staff] = []
    for team in teams:
        people.append(_person(rng, options, len(people), names, nicks, Role.supervisor, team, ""))
    bosses = {p.team: p.name for p in people}
    for i in range(agents - aftersale):
        team = presale_teams[i % len(presale_teams)]
        profile = PRESALE_PROFILES[i % len(PRESALE_PROFILES)]
        person = _person(rng, options, len(people), names, nicks, Role.presale, team, profile)
        people.append(replace(person, supervisor=bosses[team]))
    for i in range(aftersale):
        profile = AFTERSALE_PROFILES[i % len(AFTERSALE_PROFILES)]
        person = _person(
            rng, options, len(people), names, nicks, Role.aftersale, aftersale_team, profile
        )
        people.append(replace(person, supervisor=bosses[aftersale_team]))
    return _with_turnover(people, options)


def _person(
    rng: Rng,
    options: DemoOptions,
    index: int,
    names: list[str],
    nicks: list[str],
    role: Role,
    team: str,
    profile: str,
) -> Staff:
    if role is Role.supervisor:
        level, profile = Level.lead, "steady"
    else:
        level = Level.senior if profile in SENIOR_PROFILES else Level.junior
    years = {Level.lead: 4.0, Level.senior: 2.5, Level.junior: 0.6}[level]
    hired = options.start - dt.timedelta(days=int(365 * years * rng.uniform(0.5, 1.5)) + 30)
    salary = SALARY[level] + 100 * rng.randint(0, 8)
    return Staff(
        staff_id=f"E{index + 1:03d}",
        name=names[index],
        nick=nicks[index],
        role=role,
        level=level,
        team=team,
        supervisor="",
        hired_on=hired,
        left_on=None,
        base_salary=Decimal(salary).quantize(Decimal("0.01")),
        bonus_base=Decimal(BONUS_BASE[level]).quantize(Decimal("0.01")),
        account_id=digits(rng, 13, first="2208"),
        traits=_traits(rng, profile),
    )


def _traits(rng: Rng, profile: str) -> Traits:
    reply, capacity, upsell, conversion, miss, penalty, forbidden = PROFILES[profile]
    wobble = rng.uniform(0.9, 1.1)
    return Traits(
        profile=profile,
        reply_seconds=reply * wobble,
        capacity=capacity * rng.uniform(0.95, 1.05),
        upsell=upsell,
        conversion=conversion * rng.uniform(0.95, 1.05),
        miss_rate=miss,
        eval_penalty=penalty,
        forbidden_rate=forbidden,
    )


def _with_turnover(people: list[Staff], options: DemoOptions) -> list[Staff]:
    """One pre-sale agent leaves two-thirds in; the last pre-sale agent joined a third in."""
    presale = [i for i, p in enumerate(people) if p.role is Role.presale]
    if len(presale) < 5 or options.days < 9:
        return people
    leaver, joiner = presale[-2], presale[-1]
    people[leaver] = replace(
        people[leaver], left_on=options.start + dt.timedelta(days=options.days * 2 // 3)
    )
    joined = options.start + dt.timedelta(days=options.days // 3)
    people[joiner] = replace(
        people[joiner],
        hired_on=joined,
        level=Level.junior,
        base_salary=Decimal(SALARY[Level.junior]).quantize(Decimal("0.01")),
        bonus_base=Decimal(BONUS_BASE[Level.junior]).quantize(Decimal("0.01")),
    )
    return people


def _unique_names(rng: Rng, n: int) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _nicks(n: int) -> list[str]:
    return [
        NICKS[i % len(NICKS)] + (str(i // len(NICKS) + 1) if i >= len(NICKS) else "")
        for i in range(n)
    ]


def active(staff: Staff, day: dt.date) -> bool:
    """Employed on ``day``."""
    return staff.hired_on <= day and (staff.left_on is None or day <= staff.left_on)
