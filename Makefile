# One command each: `make demo` runs the product on embedded defaults, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHECKOV_VENV ?= .venv-checkov

.PHONY: install demo test lint typecheck checkov clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
	touch $@

# checkov pins an old `packaging` that conflicts with pytest, so it lives in its own venv.
checkov:
	CHECKOV_VENV=$(CHECKOV_VENV) PYTHON=$(PYTHON) tests/helm/ensure_checkov.sh

demo: install
	$(BIN)/logwarden demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test: install checkov lint typecheck
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache
