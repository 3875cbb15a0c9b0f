# policy-themes: `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL ?= $(or $(POLICY_THEMES_MODEL),models/policy-themes.joblib)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
DEV ?= ../shared/benchmark/dev.jsonl
# Retrain when labels or the code that turns them into a model change.
MODEL_INPUTS := $(shell find labels classifier training -type f \( -name '*.jsonl' -o -name '*.toml' -o -name '*.txt' -o -name '*.py' \) 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help setup train serve test lint evaluate bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(STAMP) ## Create .venv and install the project with its dev tools

$(MODEL): $(MODEL_INPUTS) $(STAMP)
	$(BIN)/policy-themes train --out $(MODEL)

train: $(STAMP) ## Retrain the model from labels/ (prints the cross-validation table)
	$(BIN)/policy-themes train --out $(MODEL)

serve: $(MODEL) ## Set up, train if the model is missing or stale, serve on $(HOST):$(PORT)
	POLICY_THEMES_MODEL=$(MODEL) $(BIN)/granian --interface wsgi --factory service:create_app \
		--host $(HOST) --port $(PORT) --workers $(WORKERS) --blocking-threads 1 --access-log

lint: $(STAMP) ## Ruff lint and format check (rules pinned in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint ## Lint, then run the test suite (trains a model from labels/ in a temp dir once)
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

evaluate: $(MODEL) ## Score the model on $(DEV) (the labelled benchmark), when that file exists
	@if [ -f $(DEV) ]; then $(BIN)/policy-themes evaluate $(DEV) --model $(MODEL) --errors models/dev-errors.jsonl; \
	else echo "no benchmark at $(DEV); pass DEV=path/to/labelled.jsonl"; fi

clean: ## Remove the virtualenv, models and caches
	rm -rf $(VENV) models .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

bench: $(MODEL) ## Product vs baseline: labelling, latency, service load (wrk), memory, training time → docs/benchmarks.md
	@command -v wrk >/dev/null || ((apt-get update -q && apt-get install -y -q wrk) >/dev/null 2>&1 \
		|| echo "wrk not installed: service load runs skipped")
	$(BIN)/python -m bench.run --model $(MODEL)
