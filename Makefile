# make run       - set up .venv if needed and start the app
# make test      - set up .venv if needed and run the whole test suite (both cores), including
#                  the lint, type and import checks and the tests against real tools and servers
# make test-fast - the inner loop: the same without the tests marked slow
# make bench     - set up .venv if needed and run the benchmarks
# Set-up runs again only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pacs-trainer $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -n 4 $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 4 -m "not slow" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
