"""``shopkpi demo``: a workspace with the demo shop's exports, imported through the real importers."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from shopkpi.appdb.records import Adoption, RatingsImport
from shopkpi.demo.generate import PEOPLE_KINDS, generate_demo
from shopkpi.demo.options import SHOP_ID, SHOP_NAME, DemoError, DemoFiles, DemoOptions
from shopkpi.demo.planted import PLANTED_FILE
from shopkpi.ingest.pipeline import ImportResult
from shopkpi.scoring.validate import plan_files
from shopkpi.workspace import CONFIG_FILE, Workspace

MARKER = ".shopkpi-demo.json"  # the options a demo workspace was generated with
RATINGS_FOLDER = "ratings"  # the supervisors' ratings file (not an export: not in inbox/)
DEMO_ACTOR = "shopkpi demo"  # who the audit log says imported ratings and adopted plans


@dataclass(frozen=True)
class DemoRun:
    """What ``shopkpi demo`` did: the files it wrote, how each import went, the table sizes."""

    root: Path
    files: DemoFiles
    results: list[ImportResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    ingest_seconds: float = 0.0
    ratings: RatingsImport | None = None
    adopted: list[Adoption] = field(default_factory=list)

    @property
    def refused(self) -> list[ImportResult]:
        return [r for r in self.results if r.status == "refused"]


def build_demo(directory: Path | str, options: DemoOptions | None = None) -> DemoRun:
    """Create (or re-run) a demo workspace: generate exports into ``inbox/``, then import them.

    People files (roster, shifts, targets) are imported first, so that chats map to people.
    ``planted.json`` records the causes planted for the insights (``demo/planted.py``).
    The supervisors' ratings (``ratings/主管评分.csv``) go through the real ratings importer
    into the app DB, and the example plans in ``plans/`` are adopted, so the demo month can
    be scored as a shop would.

    Raises:
        DemoError: the folder holds something other than a demo made with these options.
    """
    options = options or DemoOptions()
    root = Path(directory)
    _check_folder(root, options)
    ws = Workspace.init(root, shop_id=SHOP_ID, shop_name=SHOP_NAME)
    try:
        started = time.perf_counter()
        files = generate_demo(ws.root / "inbox", options, ws.root / RATINGS_FOLDER)
        generated = time.perf_counter()
        (ws.root / MARKER).write_text(_marker(options), encoding="utf-8")
        if files.planted:  # what the insights should find (issue 7)
            (ws.root / PLANTED_FILE).write_text(files.planted, encoding="utf-8")
        people = [f.path for f in files.files if f.kind in PEOPLE_KINDS]
        rest = [f.path for f in files.files if f.kind not in PEOPLE_KINDS]
        results = ws.ingest(people) + ws.ingest(rest)
        marks = ws.import_ratings(files.ratings.path, DEMO_ACTOR) if files.ratings else None
        adopted = [ws.scoring.adopt(p, DEMO_ACTOR) for p in plan_files(ws.root / "plans")]
        ingested = time.perf_counter()
        return DemoRun(
            ws.root,
            files,
            results,
            ws.table_counts(),
            generated - started,
            ingested - generated,
            marks,
            adopted,
        )
    finally:
        ws.close()


def _marker(options: DemoOptions) -> str:
    data = {**asdict(options), "end": options.end.isoformat()}
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def _check_folder(root: Path, options: DemoOptions) -> None:
    if not root.exists() or not any(root.iterdir()):
        return
    marker = root / MARKER
    if not (root / CONFIG_FILE).exists() or not marker.exists():
        raise DemoError(
            f"{root} 不是空目录，也不是示例工作区；请指定一个新目录，例如 shopkpi demo ./demo"
        )
    if marker.read_text(encoding="utf-8") != _marker(options):
        raise DemoError(
            f"{root} 里已有用其他参数生成的示例数据；请换一个目录，或删除该目录后重新运行"
        )
