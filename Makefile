# shopkpi — the two set-up commands for a new machine are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck pytest bench bench-compute bench-web bench-live eval-qa docs clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,spark]"
	touch $@

## make demo: create the venv, install, generate the demo shop and import it (./demo)
demo: $(BIN)/.installed
	$(BIN)/shopkpi demo demo

## make test: lint, format check, type check and the full test suite
test: $(BIN)/.installed lint typecheck pytest

lint:
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck:
	$(BIN)/mypy src

# pytest exits 5 when it collects no tests; that is not a failure.
pytest:
	$(BIN)/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

## make bench: the ingest benchmarks (minutes; writes benchmarks/data/, see benchmarks/RESULTS.md)
bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_ingest.py

## make bench-compute: the compute benchmark, a 300-staff 10M-message shop (tens of minutes; needs the bench extra)
bench-compute: $(BIN)/.installed
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/bench_compute.py --check-demo
	$(BIN)/python benchmarks/bench_compute.py

## make bench-web: page and API latency of a 300-staff demo shop under 20 clients (builds the shop once, ~10 min)
bench-web: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_web.py

## make bench-live: POST /api/v1/messages latency, receipt to alert recorded (a small demo shop, ~1 min)
bench-live: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_live.py

## make eval-qa: emotion analyzers + escalation on the held-out labelled set (see benchmarks/RESULTS.md)
eval-qa: $(BIN)/.installed
	$(BIN)/pip install -q -e ".[qa-extra]"
	$(BIN)/python benchmarks/eval_emotion.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache

## make docs: regenerate docs/cli.md, docs/metrics.md, docs/plan.schema.json and the format table in docs/ingest.md
docs: $(BIN)/.installed
	$(BIN)/python -m shopkpi.cli.docs > docs/cli.md
	$(BIN)/python -m shopkpi.metrics.docs > docs/metrics.md
	$(BIN)/python scripts/update_format_docs.py
	$(BIN)/shopkpi plan schema -o docs/plan.schema.json
