"""The causes the demo plants for the insights to find (issue 7), and their record.

- **A traffic drop** on one channel (直通车 visitors −60 %) over the last five days, in one
  category (the one with the most sales), written into the 生意参谋 traffic export
  (:mod:`shopkpi.demo.traffic`). Planted whenever the history has at least
  :data:`DROP_MIN_DAYS` days, so that there is a baseline before it.
- **A slow agent**: one pre-sale agent whose human replies take :data:`SLOW_FACTOR` times
  as long over the last :data:`SLOW_DAYS` days. It changes the chat timing, which every
  smaller demo's literal test values depend on, so it is planted only in a team of at least
  :data:`SLOW_AGENT_MIN_STAFF` people (``shopkpi demo`` makes 20; the tests use at most 14).
  The delay is scaled, never redrawn, so the random streams keep their draws.

:func:`planted_json` is what ``shopkpi demo`` writes to ``planted.json`` in the workspace.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from shopkpi.demo.model import Role, Staff
from shopkpi.demo.options import DemoOptions

SLOW_AGENT_MIN_STAFF = 15
SLOW_DAYS = 7
SLOW_FACTOR = 5.0
SLOW_PROFILES = ("steady", "fast", "premium", "volume")  # a normally quick agent slows down

DROP_CHANNEL = "直通车"
DROP_DAYS = 5
DROP_KEPT = 0.4  # visitors (and the buyers they bring) left on the channel: −60 %
DROP_MIN_DAYS = 10
PLANTED_FILE = "planted.json"


@dataclass(frozen=True)
class SlowAgent:
    staff_id: str
    account: str
    first_day: dt.date
    factor: float


@dataclass(frozen=True)
class TrafficDrop:
    channel: str
    category: str
    first_day: dt.date
    kept: float  # share of the usual visitors left

    @property
    def change(self) -> float:
        return round(self.kept - 1.0, 4)


def drop_days(options: DemoOptions) -> dt.date | None:
    """The first day of the planted traffic drop, or None when the history is too short."""
    if options.days < DROP_MIN_DAYS:
        return None
    return options.end - dt.timedelta(days=DROP_DAYS - 1)


def plant_slow_agent(
    staff: list[Staff], options: DemoOptions
) -> tuple[list[Staff], SlowAgent | None]:
    """The roster with one agent's traits slowed from the last week on (big teams only).

    The agent is the first pre-sale agent of a quick profile employed to the end.
    """
    if options.staff < SLOW_AGENT_MIN_STAFF or options.days < 2 * SLOW_DAYS:
        return staff, None
    first = options.end - dt.timedelta(days=SLOW_DAYS - 1)
    candidates = [
        i
        for profile in SLOW_PROFILES
        for i, p in enumerate(staff)
        if p.role is Role.presale
        and p.traits.profile == profile
        and p.left_on is None
        and p.hired_on <= options.start
    ]
    if not candidates:
        return staff, None
    index = candidates[0]
    person = staff[index]
    traits = replace(person.traits, slow_from=first, slow_factor=SLOW_FACTOR)
    slowed = [*staff]
    slowed[index] = replace(person, traits=traits)
    return slowed, SlowAgent(person.staff_id, person.account, first, SLOW_FACTOR)


def planted_json(drop: TrafficDrop | None, slow: SlowAgent | None) -> str:
    """The planted causes as JSON (``null`` where a cause was not planted)."""
    data = {
        "traffic_drop": None
        if drop is None
        else {
            "channel": drop.channel,
            "category": drop.category,
            "first_day": drop.first_day.isoformat(),
            "visitors_change": drop.change,
        },
        "slow_agent": None
        if slow is None
        else {
            "staff_id": slow.staff_id,
            "account_nick": slow.account,
            "first_day": slow.first_day.isoformat(),
            "reply_factor": slow.factor,
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
