"""Who may see whose numbers (DESIGN §9): the role matrix of pages and API routes.

admin (店主) and finance (财务, read-only) see everyone; a supervisor sees the teams they
lead (their own roster row's team); staff see only themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopkpi.appdb.users import Role, UserRecord
from shopkpi.scoring.subjects import Subject


@dataclass(frozen=True)
class Viewer:
    """A logged-in user and the teams they lead (supervisors only)."""

    user: UserRecord
    teams: frozenset[str]

    @property
    def role(self) -> Role:
        return self.user.role

    def may_see(self, person: Subject | None, staff_id: str) -> bool:
        """Whether this viewer may read ``staff_id``'s scorecard (``person``: its roster row)."""
        match self.role:
            case Role.admin | Role.finance:
                return True
            case Role.staff:
                return self.user.staff_id == staff_id
            case Role.supervisor:
                return person is not None and person.team in self.teams


def viewer(user: UserRecord, roster: list[Subject]) -> Viewer:
    """The viewer of ``user``: a supervisor leads the team of their linked roster row."""
    teams: frozenset[str] = frozenset()
    if user.role is Role.supervisor and user.staff_id:
        teams = frozenset(s.team for s in roster if s.id == user.staff_id and s.team)
    return Viewer(user, teams)


def visible(viewer: Viewer, roster: list[Subject]) -> list[Subject]:
    """The roster rows ``viewer`` may see in a ranking."""
    return [s for s in roster if viewer.may_see(s, s.id)]
