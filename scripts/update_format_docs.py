"""Rewrite the generated format table in docs/ingest.md from the adapter registry."""

from __future__ import annotations

import re
from pathlib import Path

from shopkpi.ingest.catalog import formats_markdown

PATH = Path(__file__).resolve().parents[1] / "docs" / "ingest.md"

text = PATH.read_text(encoding="utf-8")
pattern = re.compile(r"(<!-- formats:start[^>]*-->\n).*?(<!-- formats:end -->)", re.S)
PATH.write_text(
    pattern.sub(lambda m: m.group(1) + formats_markdown() + m.group(2), text), encoding="utf-8"
)
