"""Property: importing any subset of files twice leaves the warehouse as importing it once."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopkpi.workspace import Workspace
from tests.conftest import snapshot
from tests.ingest.test_orders import CLASSIC_HEADER, classic_row

STATUSES = ['"买家已付款，等待卖家发货"', '"卖家已发货，等待买家确认"', "交易成功", "交易关闭"]
ORDER_IDS = [f'="19306798581706{n:02d}"' for n in range(6)]

export = st.tuples(
    st.integers(min_value=10, max_value=20),  # export day in November
    st.lists(
        st.tuples(st.sampled_from(ORDER_IDS), st.sampled_from(STATUSES)), min_size=1, max_size=5
    ),
    st.booleans(),  # also carry a quarantined row
)


def _write(folder: Path, index: int, day: int, rows: list[tuple[str, str]], bad: bool) -> Path:
    lines = [CLASSIC_HEADER] + [classic_row(order_id=o, status=s) for o, s in rows]
    if bad:
        lines.append(classic_row(order_id="9.9E+18"))
    path = folder / f"ExportOrderList202611{day:02d}{index:02d}00.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    return path


def _data(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    return snapshot(ws)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Files with the same bytes are the same file whatever their names (the import log keys on
# the content hash), so the generated exports differ in content: rows and the bad row.
@given(st.lists(export, min_size=1, max_size=3, unique_by=lambda e: (tuple(e[1]), e[2])))
def test_importing_twice_equals_importing_once(exports: list[tuple[int, list, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = [_write(root, i, day, rows, bad) for i, (day, rows, bad) in enumerate(exports)]
        once = Workspace.init(root / "once", shop_id="demo")
        once.ingest(files)
        twice = Workspace.init(root / "twice", shop_id="demo")
        twice.ingest(files)
        for path in files:  # force a real second pass, not just the import-log skip
            twice.ingestor.ingest_path(path, force=True)
        twice.ingest(files)
        assert _data(once) == _data(twice)
        once.close()
        twice.close()
