"""``/api/v1/proposals``: the proposals page as JSON, with the same role rules. Writes need
the session's CSRF token in the ``X-CSRF-Token`` header."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from shopkpi.appdb.proposal_rules import Proposal, ProposalForbidden
from shopkpi.appdb.records import AppDBError
from shopkpi.appdb.roles import Role
from shopkpi.planning.proposal_view import proposal_json
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, ApiViewer
from shopkpi.web.guards import (
    ADMIN,
    ADMIN_SUPERVISOR,
    EVERYONE,
    Access,
    CsrfHeader,
    Route,
    api_role,
    require_csrf,
)
from shopkpi.web.proposals_view import actor_of

router = APIRouter(prefix="/api/v1", tags=["proposals"])

PROPOSERS = frozenset({Role.admin, Role.supervisor, Role.staff})
ACCESS: Access = {
    ("GET", "/api/v1/proposals"): EVERYONE,
    ("POST", "/api/v1/proposals"): PROPOSERS,
    ("POST", "/api/v1/proposals/{proposal_id}/adjust"): ADMIN_SUPERVISOR,
    ("POST", "/api/v1/proposals/{proposal_id}/approve"): ADMIN,
    ("POST", "/api/v1/proposals/{proposal_id}/reject"): ADMIN,
}

# Supervisor: own teams only. (POST /api/v1/proposals: everyone proposes only their own.)
OWN_ONLY: frozenset[Route] = frozenset({("POST", "/api/v1/proposals/{proposal_id}/adjust")})

REFUSED = "无权提交目标提议或审批（财务账号只读）"
# Role checks that run before the body is validated (403, never 422, when refused).
Proposer = Annotated[Viewer, Depends(api_role(PROPOSERS, REFUSED))]
Reviewer = Annotated[Viewer, Depends(api_role(ADMIN_SUPERVISOR, REFUSED))]
Owner = Annotated[Viewer, Depends(api_role(ADMIN, REFUSED))]


class ProposeBody(BaseModel):
    """A target the viewer proposes for themselves."""

    period: str = Field(max_length=32, examples=["2026-11"])
    metric_id: str = Field(max_length=64, examples=["cs_sales"])
    value: Decimal = Field(examples=["36000"])
    comment: str | None = Field(default=None, max_length=2000)
    staff_id: str | None = Field(default=None, max_length=64, description="默认本人；只能是本人")


class AdjustBody(BaseModel):
    value: Decimal = Field(examples=["32000"])
    comment: str | None = Field(default=None, max_length=2000)


class ReviewBody(BaseModel):
    comment: str | None = Field(default=None, max_length=2000)


@router.get("/proposals")
def list_proposals(ws: WS, viewer: ApiViewer, period: str | None = None) -> dict[str, Any]:
    """The proposals the viewer may see (own / their teams' / all), each with its history."""
    try:
        found = ws.proposals.visible(actor_of(viewer), period)
    except AppDBError as exc:
        raise HTTPException(400, str(exc)) from exc
    return {"proposals": [proposal_json(p) for p in found]}


@router.post("/proposals", status_code=201)
def propose(
    request: Request, ws: WS, viewer: Proposer, body: ProposeBody, x_csrf_token: CsrfHeader = None
) -> dict[str, Any]:
    """Propose (or, while still proposed, revise) one's own target."""
    _guard(request, viewer, PROPOSERS, x_csrf_token)
    actor = actor_of(viewer)
    return _run(
        lambda: ws.proposals.propose(
            actor, body.period, body.metric_id, body.value, body.comment, body.staff_id
        )
    )


@router.post("/proposals/{proposal_id}/adjust")
def adjust(
    request: Request, ws: WS, viewer: Reviewer, proposal_id: int, body: AdjustBody,
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:  # fmt: skip
    """A supervisor adjusts a proposal of their team (admin: anyone's)."""
    _guard(request, viewer, ADMIN_SUPERVISOR, x_csrf_token)
    actor = actor_of(viewer)
    return _run(lambda: ws.proposals.adjust(actor, proposal_id, body.value, body.comment))


@router.post("/proposals/{proposal_id}/approve")
def approve(
    request: Request, ws: WS, viewer: Owner, proposal_id: int, body: ReviewBody,
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:  # fmt: skip
    """The owner approves: the adjusted (else proposed) value becomes the person's target."""
    _guard(request, viewer, ADMIN, x_csrf_token)
    return _run(lambda: ws.proposals.approve(actor_of(viewer), proposal_id, body.comment))


@router.post("/proposals/{proposal_id}/reject")
def reject(
    request: Request, ws: WS, viewer: Owner, proposal_id: int, body: ReviewBody,
    x_csrf_token: CsrfHeader = None,
) -> dict[str, Any]:  # fmt: skip
    """The owner rejects, with a reason; the person may propose again."""
    _guard(request, viewer, ADMIN, x_csrf_token)
    return _run(lambda: ws.proposals.reject(actor_of(viewer), proposal_id, body.comment))


def _guard(request: Request, viewer: Viewer, roles: frozenset[Role], token: str | None) -> None:
    if viewer.role not in roles:
        raise HTTPException(403, REFUSED)
    require_csrf(request, token)


def _run(job: Callable[[], Proposal]) -> dict[str, Any]:
    try:
        p = job()
    except ProposalForbidden as exc:
        raise HTTPException(403, str(exc)) from exc
    except AppDBError as exc:
        raise HTTPException(400, str(exc)) from exc
    return proposal_json(p)
