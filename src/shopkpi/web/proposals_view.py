"""What the proposals page and API show: each proposal the viewer may see, its person, its
history as lines, and the review steps the viewer may take on it now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopkpi.appdb.proposal_rules import Actor, reviews
from shopkpi.appdb.roles import Role
from shopkpi.metrics.catalog import CATALOG
from shopkpi.planning.proposal_view import event_text, proposal_json
from shopkpi.web.access import Viewer
from shopkpi.web.deps import roster
from shopkpi.workspace import Workspace


@dataclass(frozen=True)
class ProposalCard:
    """One proposal on the page: its JSON form, the person's name and the viewer's steps."""

    p: dict[str, Any]
    name: str
    team: str | None
    history: list[str]
    steps: list[str]


def actor_of(viewer: Viewer) -> Actor:
    u = viewer.user
    return Actor(u.username, u.role, u.staff_id, viewer.teams)


def may_propose(viewer: Viewer) -> bool:
    """Anyone linked to a staff member proposes their own targets, except read-only finance."""
    return viewer.role is not Role.finance and viewer.user.staff_id is not None


def cards(ws: Workspace, viewer: Viewer, period: str | None) -> list[ProposalCard]:
    actor = actor_of(viewer)
    people = {s.id: s for s in roster(ws)}
    found = []
    for p in ws.proposals.visible(actor, period):
        person = people.get(p.staff_id)
        team = person.team if person else None
        found.append(
            ProposalCard(
                proposal_json(p),
                person.name if person else p.staff_id,
                team,
                [event_text(e) for e in p.events],
                reviews(actor, p.status, p.staff_id, team),
            )
        )
    return found


def metric_choices() -> list[tuple[str, str]]:
    """(metric id, Chinese name) for the propose form, in catalog order."""
    return [(m.id, m.name) for m in CATALOG.metrics]
