"""shopkpi: KPI, scorecard and pay management for e-commerce shop teams."""

__version__ = "0.1.0"
