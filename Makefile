# Two commands matter: `make demo` and `make test`. Both build the local virtualenv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vault-tools check --vault .
	$(BIN)/vault-tools serve --vault .

# The browser tests drive a Chromium or Chrome found on PATH (never a downloaded one): as root
# with apt-get the OS's Chromium is installed when missing; else they are skipped, saying why.
test: $(STAMP)
	@$(BIN)/python -m tests.browsers
	$(BIN)/ruff check vault_tools tests benchmarks
	$(BIN)/mypy vault_tools
	$(BIN)/pytest -q

# The tests not marked slow (no site builds, browser, watchers or git): under a minute.
test-fast: $(STAMP)
	$(BIN)/ruff check vault_tools tests benchmarks
	$(BIN)/mypy vault_tools
	$(BIN)/pytest -q -m "not slow"

# Every DESIGN §11 budget against the peers, one run (12-16 min on 2 cores); see docs/performance.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) site .pytest_cache .hypothesis .ruff_cache
