# Two commands for a newcomer: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: setup run test dev docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: setup
	$(BIN)/ogi run --raw raw --warehouse warehouse

test: setup
	$(BIN)/python -m pytest -n 2

dev: setup
	$(BIN)/ogi dev

docs: setup
	$(BIN)/ogi docs

clean:
	rm -rf warehouse dbt_project/target dbt_project/logs .dagster_home
