# Two commands matter: `make demo` and `make test`. Both build the local virtualenv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vault-tools check --vault .
	$(BIN)/vault-tools serve --vault .

# The browser tests drive the OS's Chromium (never a downloaded one): install it when missing.
test: $(STAMP)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/ruff check vault_tools tests benchmarks
	$(BIN)/pytest -q

# Every DESIGN §11 budget against the peers, one run (< 15 min on 2 cores); see docs/performance.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) site .pytest_cache .hypothesis .ruff_cache
