"""Load YAML into pydantic models, reporting every problem with its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from shopkpi.config.models import WorkspaceConfig
from shopkpi.errors import ConfigError, Problem

M = TypeVar("M", bound=BaseModel)


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Walk a composed YAML node along a pydantic error location; return a 1-based line."""
    best = node
    for part in loc:
        if isinstance(best, yaml.MappingNode):
            nxt = next((v for k, v in best.value if k.value == part), None)
            if nxt is None:
                break
            best = nxt
        elif isinstance(best, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(best.value):
                break
            best = best.value[part]
        else:
            break
    return None if best is None else best.start_mark.line + 1


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Parse ``path`` as YAML and validate it against ``model``.

    Raises:
        ConfigError: listing every problem found, each with file and line.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(
            [Problem(name, "file not found", hint="run `shopkpi init DIR` first")]
        ) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            [Problem(name, f"invalid YAML: {getattr(exc, 'problem', exc)}", line)]
        ) from exc
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                name,
                f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}",
                _line_of(node, err["loc"]),
            )
            for err in exc.errors()
        ]
        raise ConfigError(problems) from exc


def load_config(path: Path) -> WorkspaceConfig:
    """Load a workspace's ``shopkpi.yaml``."""
    return load_yaml_model(path, WorkspaceConfig)
