"""Same options, same bytes: the demo never depends on the wall clock or global randomness."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from shopkpi.demo import DemoFiles, DemoOptions, generate_demo
from shopkpi.demo.generate import ORDER_REPORT, QIANNIU_WORKBOOK

TINY = DemoOptions(staff=5, days=6, scale=0.3, seed=3)


def _contents(files: DemoFiles) -> dict[str, bytes]:
    return {f.path.name: f.path.read_bytes() for f in files.files}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", TINY)
    random.seed(12345)  # global randomness must not leak in
    second = generate_demo(tmp_path / "b", TINY)
    assert _contents(first) == _contents(second)
    assert first.stats == second.stats
    assert {p.name for p in (tmp_path / "a").iterdir()} == set(_contents(first))
    [workbook] = first.by_kind(QIANNIU_WORKBOOK)  # xlsx metadata carries no wall clock
    with zipfile.ZipFile(workbook.path) as book:
        core = book.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z' in core


def test_other_seed_gives_other_shop(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", TINY)
    other = generate_demo(tmp_path / "b", DemoOptions(staff=5, days=6, scale=0.3, seed=4))
    [one, *_] = first.by_kind(ORDER_REPORT)
    [two, *_] = other.by_kind(ORDER_REPORT)
    assert one.path.name == two.path.name  # same export times: they follow --end
    assert one.path.read_bytes() != two.path.read_bytes()


def test_sizes_scale(tmp_path: Path) -> None:
    small = generate_demo(tmp_path / "a", TINY).stats
    bigger = generate_demo(tmp_path / "b", DemoOptions(staff=10, days=6, scale=0.3, seed=3)).stats
    busier = generate_demo(tmp_path / "c", DemoOptions(staff=5, days=6, scale=0.9, seed=3)).stats
    assert bigger.staff == 10 and small.staff == 5
    assert bigger.messages > small.messages and busier.messages > 2 * small.messages
    assert busier.orders > 2 * small.orders
