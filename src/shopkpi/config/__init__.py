"""Workspace configuration: pydantic models and a loader that reports every problem."""

from shopkpi.config.loader import load_config, load_yaml_model
from shopkpi.config.models import (
    AttributionAnchor,
    AttributionPicker,
    AttributionSettings,
    ConversionBasis,
    DaysWorkedBasis,
    EngineSettings,
    InquiryWindow,
    MetricSettings,
    SessionSettings,
    ShopConfig,
    WorkspaceConfig,
)

__all__ = [
    "AttributionAnchor",
    "AttributionPicker",
    "AttributionSettings",
    "ConversionBasis",
    "DaysWorkedBasis",
    "EngineSettings",
    "InquiryWindow",
    "MetricSettings",
    "SessionSettings",
    "ShopConfig",
    "WorkspaceConfig",
    "load_config",
    "load_yaml_model",
]
