"""生意参谋 接待明细 as JSON (FIELD.md §1.5): session bundles per day, and the page's own shape."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shopkpi.demo.model import Message, Side
from shopkpi.demo.sessions import ReceptionSession

MSG_ID_BASE = 7_391_000_000_000_000_000
PAGE_DAYS = 2  # the first days come as the page's own JSON (data.dataSource)


def write(folder: Path, sessions: list[ReceptionSession]) -> list[tuple[Path, int]]:
    """One file per day; returns (path, messages) for each."""
    ids = _message_ids(sessions)
    by_day: dict[dt.date, list[ReceptionSession]] = defaultdict(list)
    for session in sessions:
        by_day[session.day].append(session)
    written = []
    for i, day in enumerate(sorted(by_day)):
        day_sessions = by_day[day]
        if i < PAGE_DAYS:
            path = folder / f"生意参谋_接待明细页面_{day:%Y-%m-%d}.json"
            document = _page(day_sessions, ids)
        else:
            path = folder / f"生意参谋_接待明细_{day:%Y-%m-%d}.json"
            document = _bundle(day, day_sessions, ids)
        # Compact, like a saved page (and the C encoder is ~10x faster than indent=…).
        path.write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append((path, sum(len(s.messages) for s in day_sessions)))
    return written


def _message_ids(sessions: list[ReceptionSession]) -> dict[int, str]:
    ids: dict[int, str] = {}
    for session in sessions:
        for message in session.messages:
            ids[id(message)] = str(MSG_ID_BASE + len(ids) * 7 + 3)
    return ids


def _bundle(day: dt.date, sessions: list[ReceptionSession], ids: dict[int, str]) -> dict[str, Any]:
    """The shape export tools write: ``{"sessions": [{"meta": …, "messages": […]}]}``."""
    return {
        "fetchedAt": f"{day + dt.timedelta(days=1):%Y-%m-%d}T09:00:00",
        "date": f"{day:%Y-%m-%d}",
        "totalOnServer": len(sessions),
        "fetched": len(sessions),
        "sessions": [
            {"meta": _meta(s), "messages": [_message(s, m, ids) for m in s.messages]}
            for s in sessions
        ],
    }


def _page(sessions: list[ReceptionSession], ids: dict[int, str]) -> dict[str, Any]:
    """The page's own JSON: one row per message, the session fields repeated on each."""
    rows = list(_page_rows(sessions, ids))
    return {"code": 0, "data": {"dataSource": rows, "count": len(rows)}, "message": "操作成功"}


def _page_rows(sessions: list[ReceptionSession], ids: dict[int, str]) -> Iterator[dict[str, str]]:
    for session in sessions:
        meta = _meta(session)
        for message in session.messages:
            yield {**meta, **_message(session, message, ids)}


def _meta(session: ReceptionSession) -> dict[str, str]:
    return {
        "dataId": session.data_id,
        "buyerNick": session.buyer.nick,
        "psnNickName": session.agent.account,
        "accountNick": session.agent.nick,
        "startTime": _ts(session.messages[0].at),
        "endTime": _ts(session.messages[-1].at),
        "isSellerFst": "客服主动跟进" if session.seller_first else "买家发起",
        "isUnReply": "未回复" if session.unreplied else "已回复",
    }


def _message(session: ReceptionSession, message: Message, ids: dict[int, str]) -> dict[str, str]:
    buyer, agent = session.buyer.nick, session.agent.account
    from_buyer = message.side is Side.buyer
    return {
        "gmtCreated": _ts(message.at) + ".000",
        "userNickFrom": buyer if from_buyer else agent,
        "userNickTo": agent if from_buyer else buyer,
        "msg": message.text,
        "msgId": ids[id(message)],
    }


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")
