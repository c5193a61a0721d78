"""The plans page: files and adoption status, YAML with findings, adoption (admin, audited),
and what-if simulation of a pasted or uploaded plan (nothing written)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shopkpi.workspace import Workspace
from tests.scoring.shop import PLAN
from tests.web.manage_helpers import adopt, as_user, cells

# 业绩 70 / 态度 30 and 待改进 coefficient 0.6 (was 80 / 20 and 0.5):
# s1 80×40%×70% + 100×60%×70% + 90×30% = 22.40 + 42.00 + 27.00 = 91.40 金牌, bonus 2375.00;
# s2 0 + 0 + 70×30% = 21.00 待改进, bonus 2000×0.6 + 175 = 1375.00 (was 1175.00);
# s3 (no values, 绩效基数 0) 0.00, bonus 0.00. Cost 3550.00 → 3750.00: +200.00.
DRAFT = (
    PLAN.replace("weight: 80\n", "weight: 70\n")
    .replace("- name: 态度\n    weight: 20", "- name: 态度\n    weight: 30")
    .replace("待改进: 0.5", "待改进: 0.6")
)
BAD = PLAN.replace("weight: 80\n", "weight: 75\n")


def test_plan_list_and_file_with_findings(client: TestClient) -> None:
    as_user(client, "sup")
    html = client.get("/plans").text
    assert cells(html, "plan-files") == [["测试售前.yaml", "测试售前", "未采用"]]
    page = client.get("/plans/file/测试售前.yaml").text
    assert '<span class="ln">  1</span> plan: 测试售前' in page
    assert "1 名员工没有适用的考核方案：王主管" in page  # a warning: adoptable
    assert 'id="adopt-form"' not in page  # only admin adopts
    assert client.get("/plans/file/..%2Fshopkpi.yaml").status_code == 404


def test_bad_plan_lists_its_findings_with_line_and_is_not_adopted(
    client: TestClient, shop: Workspace
) -> None:
    (shop.root / "plans" / "坏方案.yaml").write_text(BAD.replace("测试售前", "坏"), "utf-8")
    token = as_user(client, "boss")
    page = client.get("/plans/file/坏方案.yaml").text
    assert '<tr class="finding"><td>错误</td><td>坏方案.yaml</td><td>5</td><td>各部分权重之和是 95，应为 100</td>' in page  # fmt: skip
    assert 'id="adopt-form"' not in page
    r = client.post("/plans/adopt", data={"file": "坏方案.yaml", "csrf_token": token})
    assert r.status_code == 422
    assert 'id="refused"' in r.text
    assert client.get("/api/v1/plans").json()["adoptions"] == []


def test_admin_adopts_with_audit(client: TestClient) -> None:
    token = as_user(client, "boss")
    assert adopt(client, token) == 303
    html = client.get("/plans").text
    assert cells(html, "plan-files") == [["测试售前.yaml", "测试售前", "已采用（第 1 版）"]]
    assert [c[:3] for c in cells(html, "adoptions")] == [["测试售前", "第 1 版", "boss"]]
    [entry] = client.get("/api/v1/audit?kind=plan").json()["entries"]
    assert (entry["actor"], entry["action"], entry["entity_key"]) == ("boss", "adopt", "测试售前")
    assert entry["old_value"] is None
    assert entry["new_value"]["version"] == 1
    assert entry["new_value"]["file"] == "plans/测试售前.yaml"
    # Adopting the same text again is a no-op through the API too.
    again = client.post(
        "/api/v1/plans/adopt", json={"file": "测试售前.yaml"}, headers={"X-CSRF-Token": token}
    )
    assert (again.json()["version"], again.json()["created"]) == (1, False)


def test_simulate_pasted_plan_shows_old_vs_new_and_writes_nothing(client: TestClient) -> None:
    token = as_user(client, "boss")
    assert adopt(client, token) == 303
    before = client.get("/api/v1/audit").json()["entries"]
    data = {"csrf_token": token, "period": "2026-11", "yaml_text": DRAFT}
    html = client.post("/plans/simulate", data=data).text
    assert "替换「测试售前」第 1 版" in html
    assert cells(html, "simulation") == [
        ["s1", "小美", "91.60", "91.40", "金牌", "金牌", "1", "1", "2,375.00", "2,375.00"],
        ["s2", "阿强", "14.00", "21.00", "待改进", "待改进", "2", "2", "1,175.00", "1,375.00"],
        ["s3", "老周", "0.00", "0.00", "待改进", "待改进", "3", "3", "0.00", "0.00"],
    ]
    assert '<p id="cost">奖金总额 3,550.00 → 3,750.00（变化 +200.00）</p>' in html
    assert client.get("/api/v1/audit").json()["entries"] == before
    assert len(client.get("/api/v1/plans").json()["adoptions"]) == 1


def test_simulate_uploaded_plan_with_errors_lists_findings(client: TestClient) -> None:
    token = as_user(client, "boss")
    files = {"upload": ("新方案.yaml", BAD.encode("utf-8"), "application/x-yaml")}
    r = client.post("/plans/simulate", data={"csrf_token": token}, files=files)
    assert r.status_code == 422
    assert "<td>新方案.yaml</td><td>5</td><td>各部分权重之和是 95，应为 100</td>" in r.text


def test_only_admin_simulates_or_adopts(client: TestClient) -> None:
    for user in ("cfo", "sup"):
        token = as_user(client, user)
        data = {"csrf_token": token, "yaml_text": DRAFT}
        assert client.post("/plans/simulate", data=data).status_code == 403
        assert adopt(client, token) == 403
    token = as_user(client, "xm")
    assert client.get("/plans").status_code == 403
