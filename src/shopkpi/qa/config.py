"""``qa:`` in shopkpi.yaml: the QA thresholds (:class:`QASettings`) plus which analyzers
run and the shop's own bars for warmth."""

from __future__ import annotations

from pydantic import Field

from shopkpi.qa.settings import QASettings


class QAConfig(QASettings):
    """Chat quality inspection settings (``qa:`` in shopkpi.yaml)."""

    enabled: bool = Field(
        True, description="Run the QA step in `shopkpi compute` (off: the QA tables stay empty)."
    )
    emotion: str = Field(
        "lexicon",
        description="Emotion analyzer: lexicon (default, chosen by measurement, see "
        "benchmarks/RESULTS.md), snownlp, pysenti, or transformers (needs emotion_model_dir).",
    )
    emotion_model_dir: str | None = Field(
        None, description="A local transformers model folder (never downloaded)."
    )
    rules_file: str = Field(
        "qa_rules.yaml",
        description="The shop's own compliance rules (YAML, relative to the workspace); "
        "ignored when the file does not exist.",
    )
    min_evi: float | None = Field(
        None, ge=0, le=5, description="Warmth bar: a session with EVI below it is a finding."
    )
    min_personal_address: int | None = Field(
        None, ge=0, description="Warmth bar: fewer personal forms of address per chat is a finding."
    )
