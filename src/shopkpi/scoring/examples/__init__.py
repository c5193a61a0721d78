"""Ready-made example plans (售前客服, 售后客服) that ``shopkpi init`` copies into ``plans/``."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def example_files() -> list[Path]:
    return sorted(FOLDER.glob("*.yaml"))


def copy_examples(plans: Path) -> list[Path]:
    """Copy each example into ``plans`` unless a file of that name is there already."""
    plans.mkdir(parents=True, exist_ok=True)
    written = []
    for source in example_files():
        target = plans / source.name
        if not target.exists():
            target.write_bytes(source.read_bytes())
            written.append(target)
    return written
