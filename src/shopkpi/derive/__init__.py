"""Derived tables (docs/derive.md): sessions, reply rounds, inquiries, then attribution.

Every builder returns :class:`~shopkpi.engine.Step` s whose SQL inlines the settings from
``shopkpi.yaml``; :func:`derivation_steps` returns them all in dependency order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import cast

from shopkpi.config.models import WorkspaceConfig
from shopkpi.derive.inquiries import inquiry_step
from shopkpi.derive.messages import key_steps, session_message_step
from shopkpi.derive.rounds import reply_round_step
from shopkpi.derive.sessions import chat_session_step
from shopkpi.derive.settings import shop_settings_step
from shopkpi.engine import Step

AttributionSteps = Callable[[WorkspaceConfig, datetime | None], list[Step]]


def chat_steps(config: WorkspaceConfig) -> list[Step]:
    """shop_settings, the integer keys, session_message, chat_session, reply_round and
    inquiry."""
    return [
        shop_settings_step(config),
        *key_steps(),
        session_message_step(config),
        chat_session_step(config),
        reply_round_step(config),
        inquiry_step(config),
    ]


def _attribution_steps() -> AttributionSteps | None:
    """``shopkpi.derive.attribution.steps`` when that module exists."""
    name = "shopkpi.derive.attribution"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
    found = getattr(module, "steps", None)
    return cast(AttributionSteps, found) if callable(found) else None


def derivation_steps(config: WorkspaceConfig, as_of: datetime | None) -> list[Step]:
    """Every derivation step in order; ``as_of`` judges pending values (attribution)."""
    steps = chat_steps(config)
    attribution = _attribution_steps()
    if attribution is not None:
        steps += attribution(config, as_of)
    return steps


__all__ = ["chat_steps", "derivation_steps"]
