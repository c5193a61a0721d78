"""The JSON Schema of plan YAML, generated from the pydantic models (for editor autocomplete).

``shopkpi plan schema`` writes it; docs/plan.schema.json is a committed copy that a test
keeps in step with the models. Point an editor at it with a first line like
``# yaml-language-server: $schema=../docs/plan.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from shopkpi.scoring.plan import Plan


def plan_json_schema() -> dict[str, Any]:
    """The plan's JSON Schema (draft 2020-12)."""
    schema = Plan.model_json_schema(by_alias=True)
    schema.pop("$schema", None)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def render_schema() -> str:
    """The schema as stable, readable JSON text (ends with a newline)."""
    return json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n"
