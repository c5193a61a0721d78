"""The adapter registry: every source format, chosen by its headers, never by file name."""

from __future__ import annotations

from collections.abc import Sequence

from shopkpi.ingest.base import DocumentAdapter, TabularAdapter
from shopkpi.ingest.reader import RawTable, SourceFile

MIN_SCORE = 0.6


def builtin_tabular() -> list[TabularAdapter]:
    from shopkpi.ingest.adapters import TABULAR_ADAPTERS

    return [cls() for cls in TABULAR_ADAPTERS]


def builtin_documents() -> list[DocumentAdapter]:
    from shopkpi.ingest.adapters import DOCUMENT_ADAPTERS

    return [cls() for cls in DOCUMENT_ADAPTERS]


def choose_tabular(raw: RawTable, adapters: Sequence[TabularAdapter]) -> TabularAdapter | None:
    """The adapter whose signature headers best match ``raw`` (at least MIN_SCORE)."""
    scored = [(a.match(raw), len(a.SIGNATURE), i, a) for i, a in enumerate(adapters)]
    scored = [s for s in scored if s[0] >= MIN_SCORE]
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return scored[0][3]


def choose_document(src: SourceFile, adapters: Sequence[DocumentAdapter]) -> DocumentAdapter | None:
    """The document adapter (JSON, chat text) that recognises ``src``, if any."""
    candidates = [(a.detect(src), i, a) for i, a in enumerate(adapters) if src.kind in a.KINDS]
    candidates = [c for c in candidates if c[0] >= MIN_SCORE]
    if not candidates:
        return None
    candidates.sort(key=lambda c: (-c[0], c[1]))
    return candidates[0][2]
