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
	$(BIN)/vault-tools summary --vault .

test: $(STAMP)
	$(BIN)/ruff check vault_tools tests benchmarks
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) site .pytest_cache .hypothesis .ruff_cache
