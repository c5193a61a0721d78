"""shopkpi.yaml loads into frozen models; a broken file reports every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkpi.config import (
    AttributionAnchor,
    AttributionPicker,
    ConversionBasis,
    DaysWorkedBasis,
    InquiryWindow,
    MetricSettings,
    load_config,
)
from shopkpi.config.template import render_config
from shopkpi.errors import ConfigError


def test_template_loads_with_documented_defaults(tmp_path: Path) -> None:
    path = tmp_path / "shopkpi.yaml"
    path.write_text(render_config("s1", "小店"), encoding="utf-8")
    config = load_config(path)
    assert config.shop().id == "s1" and config.shop().timezone == "Asia/Shanghai"
    assert config.session.idle_minutes == 10
    assert config.session.round_cap_seconds == 600
    assert config.session.aftersale_days == 21
    assert config.attribution.anchor is AttributionAnchor.order_first
    assert config.attribution.picker is AttributionPicker.last_touch
    assert config.attribution.window is InquiryWindow.same_or_previous_day
    assert config.attribution.payment_buffer_days == 4
    assert config.attribution.conversion is ConversionBasis.credited
    assert config.metrics == MetricSettings()  # the template writes the model's defaults
    assert (config.metrics.fcr_days, config.metrics.chase_hours) == (3, 24)
    assert config.metrics.first_response_target_seconds == 15
    assert config.metrics.days_worked is DaysWorkedBasis.chat


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "shopkpi.yaml"
    path.write_text(
        "shops:\n"
        "  - id: 'bad id!'\n"  # line 2
        "    name: x\n"
        "    timezone: Mars/Olympus\n"  # line 4
        "session:\n"
        "  idle_minutes: -3\n"  # line 6
        "attribution:\n"
        "  anchor: whenever\n"  # line 8
        "colour: blue\n"  # line 9
        "metrics:\n"
        "  days_worked: roster\n",  # line 11
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = sorted(p.line for p in info.value.problems if p.line is not None)
    assert lines == [2, 4, 6, 8, 9, 11]
    assert all(p.file == str(path) for p in info.value.problems)
    assert "Mars/Olympus" in str(info.value)


def test_hours_window_needs_hours(tmp_path: Path) -> None:
    path = tmp_path / "shopkpi.yaml"
    path.write_text("shops: [{id: a, name: A}]\nattribution:\n  window: hours\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="window_hours"):
        load_config(path)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "shopkpi.yaml"
    path.write_text("shops:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.problems[0].line is not None
    assert "invalid YAML" in str(info.value)


def test_duplicate_shop_ids_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "shopkpi.yaml"
    path.write_text("shops: [{id: a, name: A}, {id: a, name: B}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate shop id"):
        load_config(path)
