# Two commands for a newcomer: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: setup run test dev docs clean

# The install compiles the parser with mypyc (setup.py); an edited parser is compiled again.
PARSER_SOURCES := $(wildcard orchestration/lib/parsing/*.py) orchestration/lib/metrics.py setup.py
PARSER_BUILT := $(VENV)/.parser-built
SAY_PARSER := $(BIN)/python -c "from orchestration.lib.parsing.compiled import parser_build; print('parser:', parser_build())"

setup: $(STAMP) $(PARSER_BUILT)

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@$(SAY_PARSER)
	@touch $(STAMP) $(PARSER_BUILT)

$(PARSER_BUILT): $(STAMP) $(PARSER_SOURCES)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(SAY_PARSER)
	@touch $(PARSER_BUILT)

run: setup
	$(BIN)/ogi run --raw raw --warehouse warehouse

test: setup
	$(BIN)/python -m pytest -n 2

dev: setup
	$(BIN)/ogi dev

docs: setup
	$(BIN)/ogi docs

clean:
	rm -rf warehouse dbt_project/target dbt_project/logs .dagster_home build orchestration/lib/parsing/_compiled $(PARSER_BUILT)
