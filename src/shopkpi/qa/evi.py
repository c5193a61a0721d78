"""Warmth index (EVI, emotional value index, 情绪价值指数): how warm one chat felt, 0–5.

Four components over the session's human agent messages (auto-replies are templates, not
the agent's warmth; buyer and system messages do not count):

======== ============================================ ====== ======
name     forms (on the normalised text)               weight target
======== ============================================ ====== ======
polite   您, 请, 麻烦您, 谢谢, 感谢, 不好意思, 抱歉 …   1.5    0.5
empathy  理解您的心情, 给您带来不便, 非常抱歉, 辛苦您了,  1.0    0.2
         别着急, 请放心, 我们一定 …
address  亲, 亲亲, 宝, 宝宝, 小仙女, 小主 … and the      1.5    0.5
         buyer's name or nick (王女士 for 王小红)
emoji    Unicode emoji and 旺旺/千牛 codes ([微笑], /:^_^) 1.0    0.25
======== ============================================ ====== ======

For each component, ``messages`` is the number of agent messages with at least one form and
``score = min(1, messages / (target × agent messages))``: full marks when that share of the
agent's messages carries the component (so repeating 您 in one message does not buy
points). ``points = weight × score`` and ``total = Σ points`` (0–5, two decimals). ``count``
is every occurrence; ``personal_address_count`` (the address count) is what a shop's
"≥ 3 personal forms of address per chat" bar compares with. Within a component, forms are
matched longest first without overlap (麻烦您 is one polite form, not two); the
components are counted independently (非常抱歉 is empathy and its 抱歉 is polite).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.text import emoji, normalize

POLITE = ["麻烦您", "劳烦您", "请您", "您好", "您", "请问", "请", "谢谢", "感谢", "多谢"]
POLITE += ["不好意思", "抱歉", "打扰了", "欢迎", "祝您"]
EMPATHY = ["理解您的心情", "理解您", "能理解", "给您带来的不便", "给您带来不便", "给您添麻烦了"]
EMPATHY += ["让您久等了", "久等了", "非常抱歉", "十分抱歉", "实在抱歉", "真的很抱歉", "深表歉意"]
EMPATHY += ["辛苦您了", "辛苦了", "别着急", "不要着急", "别担心", "不用担心", "您放心", "请放心"]
EMPATHY += ["我们一定", "一定帮您", "马上帮您", "立刻帮您", "帮您处理", "为您处理", "感同身受"]
ADDRESS = ["亲爱的", "亲亲", "宝宝", "宝子", "小仙女", "仙女", "小主", "小可爱", "小姐姐"]
ADDRESS += ["小哥哥", "美女", "帅哥", "姐妹"]
# 请 of 申请/邀请 is not a polite form.
_POLITE_SINGLE = r"(?<![申邀宴聘])请"
# 亲 alone, not 亲自/亲测/亲肤/母亲 …; 宝 alone, not 宝贝 (a product, in Taobao's words),
# 淘宝, 支付宝, 宝石 …
_QIN = r"(?<![母父双探相省娘乡成定求])亲(?![自身手测友人戚子和肤近眼口属情密吻笔生历])"
_BAO = r"(?<![淘付珠国财元法至瑰八异珍宠通墨纳])宝(?![贝石藏物典马座库剑箱盒塔岛地玉])"
_TITLES = ["先生", "女士", "小姐", "姐", "哥"]

WEIGHTS = {"polite": 1.5, "empathy": 1.0, "address": 1.5, "emoji": 1.0}
TARGETS = {"polite": 0.5, "empathy": 0.2, "address": 0.5, "emoji": 0.25}
LABELS = {"polite": "礼貌用语", "empathy": "共情", "address": "个性化称呼", "emoji": "表情"}


def _alternation(words: Sequence[str], extra: Sequence[str] = ()) -> str:
    ordered = sorted({normalize(w).text for w in words if w.strip()}, key=len, reverse=True)
    return "|".join([*(re.escape(w) for w in ordered), *extra])


_POLITE_RE = re.compile(_alternation([w for w in POLITE if w != "请"], [_POLITE_SINGLE]))
_EMPATHY_RE = re.compile(_alternation(EMPATHY))
_ADDRESS_RE = re.compile(_alternation(ADDRESS, [_QIN, _BAO]))


def _name_forms(names: Sequence[str]) -> list[str]:
    """The buyer's names and nicks, plus surname + title for a Chinese name (王女士)."""
    forms: list[str] = []
    for raw in names:
        name = normalize(raw.strip()).text
        if not name:
            continue
        forms.append(name)
        if 2 <= len(name) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in name):
            forms += [name[0] + title for title in _TITLES]
    return forms


def _address_count(text: str, names: Sequence[str]) -> int:
    """Personal forms of address in ``text``: the buyer's names first, then 亲, 宝宝 …

    Names are found with plain ``str.find`` (longest first) rather than compiled into the
    regex, so a batch over many buyers compiles nothing per session.
    """
    taken: list[tuple[int, int]] = []
    for name in names:
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            if not any(a < end and start < b for a, b in taken):
                taken.append((start, end))
            start = text.find(name, end)
    free = [m for m in _ADDRESS_RE.finditer(text) if not _overlaps(m.span(), taken)]
    return len(taken) + len(free)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in taken)


@dataclass(frozen=True)
class EVIComponent:
    """One component of the warmth index."""

    name: str  # polite, empathy, address, emoji
    label: str  # 礼貌用语 …
    count: int  # occurrences over the agent messages
    messages: int  # agent messages with at least one occurrence
    weight: float  # points at full marks
    score: float  # 0–1: min(1, messages / (target × agent messages))

    @property
    def points(self) -> float:
        """This component's part of the total (weight × score)."""
        return self.weight * self.score


@dataclass(frozen=True)
class EVIResult:
    """The warmth index of one session."""

    agent_messages: int
    polite: EVIComponent
    empathy: EVIComponent
    address: EVIComponent
    emoji: EVIComponent
    total: float  # 0–5, two decimals; 0.0 when the session has no agent message

    @property
    def personal_address_count(self) -> int:
        """Personal forms of address in the chat (亲, 宝宝, the buyer's name …)."""
        return self.address.count

    @property
    def components(self) -> tuple[EVIComponent, ...]:
        return (self.polite, self.empathy, self.address, self.emoji)


def _component(name: str, per_message: list[int]) -> EVIComponent:
    n = len(per_message)
    with_form = sum(1 for count in per_message if count)
    score = min(1.0, with_form / (TARGETS[name] * n)) if n else 0.0
    return EVIComponent(name, LABELS[name], sum(per_message), with_form, WEIGHTS[name], score)


def evi(messages: Sequence[QAMessage], buyer_name: str | Sequence[str] | None = None) -> EVIResult:
    """The warmth index of one session's human agent messages.

    Args:
        messages: the session's messages (only ``Speaker.agent`` ones count).
        buyer_name: the buyer's name or nick, or several; addressing the buyer by one of
            them (or 王女士/王先生 for a Chinese name) is a personal form of address.
    """
    given = [buyer_name] if isinstance(buyer_name, str) else list(buyer_name or [])
    names = sorted(set(_name_forms(given)), key=len, reverse=True)
    counts: dict[str, list[int]] = {name: [] for name in WEIGHTS}
    for message in messages:
        if message.speaker is not Speaker.agent:
            continue
        norm = normalize(message.text)
        text = norm.text
        counts["polite"].append(len(_POLITE_RE.findall(text)))
        counts["empathy"].append(len(_EMPATHY_RE.findall(text)))
        counts["address"].append(_address_count(text, names))
        counts["emoji"].append(len(emoji(message.text, norm)))
    parts = {name: _component(name, per_message) for name, per_message in counts.items()}
    total = round(sum(part.points for part in parts.values()), 2)
    return EVIResult(
        agent_messages=len(counts["polite"]),
        polite=parts["polite"],
        empathy=parts["empathy"],
        address=parts["address"],
        emoji=parts["emoji"],
        total=total,
    )


def warmth_findings(
    messages: Sequence[QAMessage],
    result: EVIResult,
    min_evi: float | None,
    min_personal_address: int | None,
) -> list[Finding]:
    """Session-level ``warmth`` findings against the shop's bars (none without agent text).

    ``warmth.evi_below_min``: EVI below ``min_evi``; ``warmth.address_below_min``: fewer
    than ``min_personal_address`` personal forms of address in the chat.
    """
    if result.agent_messages == 0 or not messages:
        return []
    session_id = messages[0].session_id
    staff_id = next((m.staff_id for m in messages if m.speaker is Speaker.agent), None)
    found: list[Finding] = []
    if min_evi is not None and result.total < min_evi:
        parts = "，".join(f"{c.label} {c.points:.2f}/{c.weight:g}" for c in result.components)
        detail = (
            f"温度指数 EVI {result.total:.2f}，低于要求的 {min_evi:.2f}"
            f"（{parts}；客服消息 {result.agent_messages} 条）"
        )
        found.append(_finding("warmth.evi_below_min", session_id, staff_id, detail))
    count = result.personal_address_count
    if min_personal_address is not None and count < min_personal_address:
        detail = (
            f"个性化称呼 {count} 次，少于每次会话要求的 {min_personal_address} 次"
            "（亲、宝宝、小仙女、买家姓名等）"
        )
        found.append(_finding("warmth.address_below_min", session_id, staff_id, detail))
    return found


def _finding(rule: str, session_id: str, staff_id: str | None, detail: str) -> Finding:
    return Finding(rule, Category.warmth, Severity.low, session_id, None, staff_id, detail=detail)
