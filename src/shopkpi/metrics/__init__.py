"""The metric catalog and its computation (DESIGN §7, issue 3).

- ``catalog``: every metric defined once (``CATALOG``), collected from ``families/``;
- ``steps``: the computation as engine steps (row sources → staff × day → every entity
  and period → derived metrics → ``metric_result``);
- ``store``: ``metric_value``; ``compute``: ``shopkpi compute``; ``explain``: the rows
  behind a number; ``periods``: ``2026-11``, ``2026-W45``, ``2026-11-11``, custom ranges.

Modules are imported where they are used, so importing this package stays cheap.
"""
