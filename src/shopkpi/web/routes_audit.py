"""The audit log (审计日志): newest first, filtered by entity kind. Read-only by design:
there is no route that edits or deletes a row (the table is append-only)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from shopkpi.appdb.records import AuditRecord
from shopkpi.web.deps import WS, PageViewer, render
from shopkpi.web.guards import ADMIN_FINANCE, Access, error_page

router = APIRouter(include_in_schema=False)

ACCESS: Access = {("GET", "/audit"): ADMIN_FINANCE}
KIND_LABELS = {"rating": "评分", "plan": "方案", "snapshot": "封账", "user": "用户"}
ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "adopt": "采用",
    "freeze": "封账",
    "correct": "更正",
}
LIMIT = 500


@router.get("/audit")
def audit_page(request: Request, ws: WS, viewer: PageViewer, kind: str | None = None) -> Any:
    if viewer.role not in ADMIN_FINANCE:
        return error_page(request, viewer, "无权查看审计日志", 403)
    rows = [audit_json(r) for r in ws.appdb.audit(kind or None, limit=LIMIT)]
    context = {"viewer": viewer, "rows": rows, "kind": kind or "", "kinds": KIND_LABELS}
    return render(request, "audit.html", context)


def audit_json(r: AuditRecord) -> dict[str, Any]:
    """One audit row as JSON (old and new values as stored, times in UTC)."""
    return {
        "id": r.id,
        "at": r.at.isoformat(sep=" ", timespec="seconds"),
        "actor": r.actor,
        "action": r.action,
        "action_label": ACTION_LABELS.get(r.action, r.action),
        "entity_kind": r.entity_kind,
        "kind_label": KIND_LABELS.get(r.entity_kind, r.entity_kind),
        "entity_key": r.entity_key,
        "old_value": r.old_value,
        "new_value": r.new_value,
        "old_text": _text(r.old_value),
        "new_text": _text(r.new_value),
        "reason": r.reason,
    }


def _text(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
