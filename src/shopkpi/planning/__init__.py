"""Planning: per-person targets agreed through KPI proposals (共创)."""
