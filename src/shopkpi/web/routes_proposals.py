"""The proposals page (目标共创): staff propose their own targets, supervisors adjust their
team's, the owner approves or rejects, finance reads; every proposal shows its history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from shopkpi.appdb.proposal_rules import ProposalForbidden
from shopkpi.appdb.records import AppDBError
from shopkpi.appdb.roles import Role
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, PageViewer, render
from shopkpi.web.guards import (
    ADMIN,
    ADMIN_SUPERVISOR,
    EVERYONE,
    Access,
    Route,
    error_page,
    page_role,
)
from shopkpi.web.proposals_view import actor_of, cards, may_propose, metric_choices
from shopkpi.web.security import csrf_ok
from shopkpi.workspace import Workspace

router = APIRouter(include_in_schema=False)

PROPOSERS = frozenset({Role.admin, Role.supervisor, Role.staff})  # with a linked staff id
ACCESS: Access = {
    ("GET", "/proposals"): EVERYONE,  # rows filtered as scorecards are (Actor.may_view)
    ("POST", "/proposals"): PROPOSERS,  # own targets only
    ("POST", "/proposals/{proposal_id}/adjust"): ADMIN_SUPERVISOR,  # supervisor: own teams
    ("POST", "/proposals/{proposal_id}/approve"): ADMIN,
    ("POST", "/proposals/{proposal_id}/reject"): ADMIN,
}
OWN_ONLY: frozenset[Route] = frozenset({("POST", "/proposals/{proposal_id}/adjust")})
Text = Annotated[str, Form()]
OptText = Annotated[str | None, Form()]
REFUSED = "无权提交目标提议或审批（财务账号只读）"
# Role checks that run before the form fields are validated (403, never 422, when refused).
Proposer = Annotated[Viewer, Depends(page_role(PROPOSERS, REFUSED))]
Reviewer = Annotated[Viewer, Depends(page_role(ADMIN_SUPERVISOR, REFUSED))]
Owner = Annotated[Viewer, Depends(page_role(ADMIN, REFUSED))]


@router.get("/proposals")
def proposals_page(request: Request, ws: WS, viewer: PageViewer, period: str | None = None) -> Any:
    return _page(request, ws, viewer, period or None)


@router.post("/proposals")
def propose(
    request: Request, ws: WS, viewer: Proposer, period: Text, metric_id: Text, value: Text,
    comment: OptText = None, csrf_token: OptText = None,
) -> Any:  # fmt: skip
    def job() -> None:
        ws.proposals.propose(actor_of(viewer), period, metric_id, value, comment)

    return _post(request, ws, viewer, PROPOSERS, csrf_token, job)


@router.post("/proposals/{proposal_id}/adjust")
def adjust(
    request: Request, ws: WS, viewer: Reviewer, proposal_id: int, value: Text,
    comment: OptText = None, csrf_token: OptText = None,
) -> Any:  # fmt: skip
    def job() -> None:
        ws.proposals.adjust(actor_of(viewer), proposal_id, value, comment)

    return _post(request, ws, viewer, ADMIN_SUPERVISOR, csrf_token, job)


@router.post("/proposals/{proposal_id}/approve")
def approve(
    request: Request, ws: WS, viewer: Owner, proposal_id: int,
    comment: OptText = None, csrf_token: OptText = None,
) -> Any:  # fmt: skip
    def job() -> None:
        ws.proposals.approve(actor_of(viewer), proposal_id, comment)

    return _post(request, ws, viewer, ADMIN, csrf_token, job)


@router.post("/proposals/{proposal_id}/reject")
def reject(
    request: Request, ws: WS, viewer: Owner, proposal_id: int,
    comment: OptText = None, csrf_token: OptText = None,
) -> Any:  # fmt: skip
    def job() -> None:
        ws.proposals.reject(actor_of(viewer), proposal_id, comment)

    return _post(request, ws, viewer, ADMIN, csrf_token, job)


def _post(
    request: Request, ws: Workspace, viewer: Viewer, roles: frozenset[Role],
    token: str | None, job: Callable[[], None],
) -> Any:  # fmt: skip
    """Role, then CSRF, then the step itself; back to the list, or the list with the error."""
    if viewer.role not in roles:
        return error_page(request, viewer, REFUSED, 403)
    if not csrf_ok(request.session, token):
        return error_page(request, viewer, "页面已过期，请刷新后重新提交（CSRF 校验失败）", 403)
    try:
        job()
    except ProposalForbidden as exc:
        return error_page(request, viewer, str(exc), 403)
    except AppDBError as exc:
        return _page(request, ws, viewer, None, error=str(exc), status=400)
    query = f"?{urlencode({'saved': 1})}"
    return RedirectResponse(f"/proposals{query}", status_code=303)


def _page(
    request: Request, ws: Workspace, viewer: Viewer, period: str | None,
    error: str | None = None, status: int = 200,
) -> Any:  # fmt: skip
    try:
        shown = cards(ws, viewer, period)
    except AppDBError as exc:
        shown, error, status = cards(ws, viewer, None), str(exc), 400
    context = {
        "viewer": viewer,
        "cards": shown,
        "period": period or "",
        "may_propose": may_propose(viewer),
        "metrics": metric_choices(),
        "error": error,
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "proposals.html", context, status)
