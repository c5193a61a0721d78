"""The demo shop: a seeded, realistic Taobao shop history written as real-format exports.

``generate_demo`` writes the files; ``build_demo`` also creates the workspace and imports
them through the real importers (what ``shopkpi demo`` runs).
"""

from shopkpi.demo.generate import generate_demo
from shopkpi.demo.options import DEFAULT_END, DemoError, DemoFile, DemoFiles, DemoOptions, DemoStats
from shopkpi.demo.run import DemoRun, build_demo

__all__ = [
    "DEFAULT_END",
    "DemoError",
    "DemoFile",
    "DemoFiles",
    "DemoOptions",
    "DemoRun",
    "DemoStats",
    "build_demo",
    "generate_demo",
]
