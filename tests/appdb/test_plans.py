"""Plan adoption: versions, content hashes, idempotent re-adoption, audit rows."""

from __future__ import annotations

import datetime as dt
import hashlib

from shopkpi.appdb.db import AppDB

V1 = "plan: 售前客服\nsections: []\n"
V2 = "plan: 售前客服\nsections: [{name: 业绩, weight: 100}]\n"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_adoption_versions_and_latest(appdb: AppDB) -> None:
    assert appdb.latest_adoption("售前客服") is None
    first = appdb.adopt_plan("售前客服", V1, actor="老板", source_file="plans/presale.yaml")
    assert (first.version, first.content_hash, first.adopted_by, first.created) == (
        1,
        _sha(V1),
        "老板",
        True,
    )
    assert first.adopted_at == dt.datetime(2026, 12, 1, 10, 0, 0)
    again = appdb.adopt_plan("售前客服", V1, actor="主管")
    assert (again.version, again.created, again.adopted_by) == (1, False, "老板")
    second = appdb.adopt_plan("售前客服", V2, actor="老板")
    back = appdb.adopt_plan("售前客服", V1, actor="老板")  # going back is a new version
    assert (second.version, back.version) == (2, 3)
    latest = appdb.latest_adoption("售前客服")
    assert latest is not None and (latest.version, latest.content) == (3, V1)
    assert [a.version for a in appdb.adoptions("售前客服")] == [1, 2, 3]
    assert appdb.latest_adoption("售后客服") is None


def test_adoption_is_audited_with_old_and_new_version(appdb: AppDB) -> None:
    appdb.adopt_plan("售前客服", V1, actor="老板", source_file="plans/presale.yaml")
    appdb.adopt_plan("售前客服", V1, actor="老板")  # no change, no audit row
    appdb.adopt_plan("售前客服", V2, actor="主管")
    log = [(a.actor, a.action, a.entity_key, a.old_value, a.new_value) for a in appdb.audit()]
    assert log == [
        (
            "主管",
            "adopt",
            "售前客服",
            {"version": 1, "hash": _sha(V1)},
            {"version": 2, "hash": _sha(V2), "file": None},
        ),
        (
            "老板",
            "adopt",
            "售前客服",
            None,
            {"version": 1, "hash": _sha(V1), "file": "plans/presale.yaml"},
        ),
    ]
