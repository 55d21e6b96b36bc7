# The few commands people run. `make install` is the README's set-up command.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test lint format gate example bench

install:  ## create .venv and install communique with every optional feature, pinned by requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[all]'

test:  ## the test suite
	$(BIN)/pytest -p no:cacheprovider

lint:  ## ruff + mypy
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

format:
	$(BIN)/ruff format src tests benchmarks

gate:  ## quality gates against ../shared/eval
	$(BIN)/communique eval gate --eval-dir ../shared/eval --floors quality/floors.toml

example:  ## the main job on the shipped example article
	$(BIN)/communique analyze examples/iran_russia_talks.txt --format table

lock:  ## re-pin requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --all-extras -o requirements.lock -q --python-version 3.11
