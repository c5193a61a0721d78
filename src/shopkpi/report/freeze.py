"""The workbook's state line: frozen (封账: which version, when, by whom, why) or open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shopkpi.appdb.records import Snapshot
from shopkpi.report.entry import Entry
from shopkpi.scoring.view import FrozenInfo

# A stored snapshot, or the frozen info of a sheet shown from one (``ScoreSheet.frozen``).
Frozen = Snapshot | FrozenInfo


def frozen_at(frozen: Frozen) -> dt.datetime:
    """When the period was frozen (UTC, naive, as the app DB stores it)."""
    at = frozen.frozen_at
    return at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(at)


def status_line(period: str, entries: Sequence[Entry], frozen: Frozen | None) -> str:
    """``已封账：2026-11 第 2 版，…；原因：…`` or ``未封账：…``, then what is pending."""
    if frozen is not None:
        when = f"{frozen_at(frozen):%Y-%m-%d %H:%M} UTC"
        text = f"已封账：{period} 第 {frozen.version} 版，{when} 由 {frozen.frozen_by} 封账"
        text += f"；原因：{frozen.reason}" if frozen.reason else ""
        text += "（强制封账）" if frozen.forced else ""
    else:
        text = "未封账：数据还可能变化，以封账版本为准"
    pending = sum(1 for e in entries if e.pending)
    return text + (f"。{pending} 人含待定项（标「待定」），总分或奖金未定稿" if pending else "")
