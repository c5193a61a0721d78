"""Every built-in source format. Order matters only to break equal header scores."""

from __future__ import annotations

from shopkpi.ingest.adapters.chat_text import ChatTextAdapter
from shopkpi.ingest.adapters.order_lines import ItemReportAdapter, OrderLineAdapter
from shopkpi.ingest.adapters.orders import OrderReportAdapter
from shopkpi.ingest.adapters.platform_report import PlatformReportAdapter
from shopkpi.ingest.adapters.reception import ReceptionSheetAdapter
from shopkpi.ingest.adapters.reception_json import ReceptionJsonAdapter
from shopkpi.ingest.adapters.refunds import RefundReportAdapter
from shopkpi.ingest.adapters.reviews import ReviewAdapter
from shopkpi.ingest.adapters.roster import RosterAdapter
from shopkpi.ingest.adapters.service_evals import ServiceEvalAdapter
from shopkpi.ingest.adapters.shifts import ShiftAdapter
from shopkpi.ingest.adapters.shipments import ShipmentReportAdapter
from shopkpi.ingest.adapters.targets import TargetAdapter
from shopkpi.ingest.adapters.traffic import TrafficAdapter
from shopkpi.ingest.base import DocumentAdapter, TabularAdapter

TABULAR_ADAPTERS: list[type[TabularAdapter]] = [
    OrderReportAdapter,
    OrderLineAdapter,
    ItemReportAdapter,
    ShipmentReportAdapter,
    RefundReportAdapter,
    ServiceEvalAdapter,
    ReviewAdapter,
    TrafficAdapter,
    RosterAdapter,
    ShiftAdapter,
    TargetAdapter,
    ReceptionSheetAdapter,
    PlatformReportAdapter,
]

DOCUMENT_ADAPTERS: list[type[DocumentAdapter]] = [
    ReceptionJsonAdapter,
    ChatTextAdapter,
]
