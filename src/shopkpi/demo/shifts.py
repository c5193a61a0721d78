"""排班: who works when, and who is on duty to take a buyer at a given moment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from shopkpi.demo.calendar import peak_day
from shopkpi.demo.model import Role, Shift, Staff
from shopkpi.demo.people import active
from shopkpi.demo.rand import Rng, pick

EARLY = (dt.time(8, 0), dt.time(17, 0))
LATE = (dt.time(15, 0), dt.time(23, 59))
OFFICE = (dt.time(9, 0), dt.time(18, 0))
LONG = (dt.time(9, 0), dt.time(21, 0))  # volume sellers take the long day (大班)
SPLIT = ((dt.time(8, 0), dt.time(12, 0)), (dt.time(18, 0), dt.time(23, 59)))
MIDNIGHT_RUSH = (dt.time(0, 0), dt.time(2, 0))  # 双11: pre-sale agents take the 00:00 rush


def make_shifts(staff: list[Staff], days: Iterable[dt.date]) -> list[Shift]:
    """Five days a week (no days off around 双11), alternating early and late weeks."""
    shifts: list[Shift] = []
    for day in days:
        for index, person in enumerate(staff):
            if active(person, day) and _works(index, person, day):
                shifts += [Shift(person, day, a, b) for a, b in _hours(index, person, day)]
    return shifts


def _works(index: int, person: Staff, day: dt.date) -> bool:
    if abs((day - peak_day(day)).days) <= 1 or (day - peak_day(day)).days == -10:
        return True
    if person.role is Role.supervisor:
        return day.weekday() < 5
    return day.weekday() not in (index % 7, (index + 3) % 7)


def _hours(index: int, person: Staff, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    if person.role is Role.supervisor:
        return [OFFICE]
    hours: list[tuple[dt.time, dt.time]]
    if person.traits.profile == "volume":
        hours = [LONG]
    elif person.traits.profile == "steady" and day.weekday() >= 5:
        hours = list(SPLIT)
    else:
        late = (index + day.isocalendar().week) % 2 == 1
        hours = [LATE if late else EARLY]
    if person.role is Role.presale and day == peak_day(day):
        hours.insert(0, MIDNIGHT_RUSH)
    return hours


class Duty:
    """Answers "who can take this buyer now?" from the shifts."""

    def __init__(self, staff: list[Staff], shifts: list[Shift]) -> None:
        self.staff = staff
        self._by_day: dict[dt.date, list[Shift]] = defaultdict(list)
        for shift in shifts:
            self._by_day[shift.day].append(shift)

    def on_duty(self, at: dt.datetime, roles: tuple[Role, ...]) -> list[Staff]:
        now = at.time()
        return [
            s.staff
            for s in self._by_day.get(at.date(), [])
            if s.staff.role in roles and s.start <= now < s.end
        ]

    def assign(self, rng: Rng, at: dt.datetime, role: Role) -> tuple[Staff, bool]:
        """An agent for a buyer arriving at ``at``, and whether that agent is online.

        Offline buyers (night, nobody on shift) are assigned like 千牛's 离线留言自动分配:
        to someone employed that day, who answers when back.
        """
        online = self.on_duty(at, (role,))
        if online:
            return pick(rng, online, [p.traits.capacity for p in online]), True
        employed = [p for p in self.staff if p.role is role and active(p, at.date())]
        pool = employed or [p for p in self.staff if p.role is role] or self.staff
        return pick(rng, pool, [p.traits.capacity for p in pool]), False

    def supervisor_of(self, agent: Staff) -> Staff:
        for person in self.staff:
            if person.role is Role.supervisor and person.name == agent.supervisor:
                return person
        return agent

    def colleague(self, rng: Rng, at: dt.datetime, role: Role, other: Staff) -> Staff | None:
        """Someone else of ``role`` on duty at ``at`` (for transfers)."""
        pool = [p for p in self.on_duty(at, (role,)) if p is not other]
        return pick(rng, pool) if pool else None
