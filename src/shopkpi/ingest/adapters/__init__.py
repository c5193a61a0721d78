"""Every built-in source format. Order matters only to break equal header scores."""

from __future__ import annotations

from shopkpi.ingest.adapters.orders import OrderReportAdapter
from shopkpi.ingest.base import DocumentAdapter, TabularAdapter

TABULAR_ADAPTERS: list[type[TabularAdapter]] = [
    OrderReportAdapter,
]

DOCUMENT_ADAPTERS: list[type[DocumentAdapter]] = []
