"""Engines run the derivation and metric SQL: DuckDB by default, PySpark for scale.

Every computation is a list of :class:`Step` s — a name and one SELECT in DuckDB's
dialect that reads canonical tables and earlier steps by name. An engine materialises each
step as a table of that name. Python builds the SQL (settings are inlined as literals);
engines differ only in how they run it, and their differences are class constants.
"""

from shopkpi.engine.base import Engine, Step
from shopkpi.engine.duck import DuckDBEngine

__all__ = ["DuckDBEngine", "Engine", "Step"]
