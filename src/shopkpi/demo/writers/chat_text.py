"""千牛 copy-paste chat text (FIELD.md §1.5): one buyer-day per file, CRLF, GBK or UTF-8."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from shopkpi.demo.model import Conversation, Message, Side
from shopkpi.demo.sessions import DayBuyer
from shopkpi.demo.writers.cells import CRLF

REPLIES = frozenset({Side.agent, Side.auto})  # the shop's lines carry a read state
CHAT = REPLIES | {Side.buyer}


def qianniu_time(at: dt.datetime) -> str:
    """``2026-11-9 9:05:07``: month, day and hour are not zero-padded."""
    return f"{at.year}-{at.month}-{at.day} {at.hour}:{at.minute:02d}:{at.second:02d}"


def write(
    folder: Path, conversations: list[Conversation], keys: frozenset[DayBuyer], seed: int
) -> list[tuple[Path, int]]:
    """Write the chosen buyer-days; the first file is GBK, the others UTF-8."""
    cosmetic = random.Random(seed * 7919 + 1)  # layout choices only, never the data
    lines_by_key: dict[DayBuyer, list[Message]] = defaultdict(list)
    for conv in conversations:
        for m in conv.messages:
            key = (m.at.date(), conv.buyer.nick)
            if key in keys:
                lines_by_key[key].append(m)
    written = []
    for i, key in enumerate(sorted(lines_by_key)):
        messages = sorted(lines_by_key[key], key=lambda m: m.at)
        text = CRLF.join(_render(messages, key[1], cosmetic, revoke=i == 0)) + CRLF
        path = folder / f"千牛聊天记录_{key[0]:%Y%m%d}_{i + 1:02d}.txt"
        path.write_bytes(text.encode("gbk" if i == 0 else "utf-8"))
        written.append((path, sum(m.side in CHAT for m in messages)))
    return written


def _render(messages: list[Message], buyer: str, rng: random.Random, revoke: bool) -> list[str]:
    out: list[str] = []
    last_agent = max((i for i, m in enumerate(messages) if m.side in REPLIES), default=-1)
    for i, m in enumerate(messages):
        if m.side is Side.transfer:
            assert m.peer is not None
            out.append(f"{m.peer.account} --> {m.agent.account} {qianniu_time(m.at)}")
            continue
        if m.side is Side.system:
            out.append(m.text)
            continue
        sender = buyer if m.side is Side.buyer else m.agent.account
        if rng.random() < 0.2:
            out += [sender, qianniu_time(m.at)]  # nick and time on separate lines
        else:
            out.append(f"{sender} {qianniu_time(m.at)}")
        out.append(m.text)
        if m.side in REPLIES:
            out.append("未读" if i == last_agent and rng.random() < 0.5 else "已读")
        elif revoke:
            out.append(f"{buyer}撤回了一条消息")
            revoke = False
    return out
