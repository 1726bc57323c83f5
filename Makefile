# One command each: `make demo` runs the product on embedded defaults, `make test` runs every check.
# Installs come from the hashed lock files in requirements/ (see its README); `make lock`
# re-resolves them from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHECKOV_VENV ?= .venv-checkov
UV ?= uv
PIP_LOCKED := $(BIN)/python -m pip install --quiet --require-hashes -r
LOCK := $(UV) pip compile pyproject.toml --quiet --python-version 3.11 --generate-hashes \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock"

.PHONY: install demo test lint typecheck checkov lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Development and CI: dev + train + demo extras, exactly as locked, then the project editable.
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/dev.lock | $(BIN)/python
	$(PIP_LOCKED) requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The demo needs the core dependencies and the embedded broker only (no torch, no test tools).
$(VENV)/.demo-installed: pyproject.toml requirements/demo.lock | $(BIN)/python
	$(PIP_LOCKED) requirements/demo.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

demo: $(VENV)/.demo-installed
	$(BIN)/logwarden demo

# checkov pins an old `packaging` that conflicts with pytest, so it lives in its own venv.
checkov:
	CHECKOV_VENV=$(CHECKOV_VENV) PYTHON=$(PYTHON) tests/helm/ensure_checkov.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test: install checkov lint typecheck
	$(BIN)/pytest

# Re-resolve the locks (network; uv). serve and demo are resolved within dev, so they agree.
lock:
	$(LOCK) --extra dev --extra train --extra demo -o requirements/dev.lock
	$(LOCK) --extra demo -c requirements/dev.lock -o requirements/demo.lock
	$(LOCK) -c requirements/dev.lock -o requirements/serve.lock

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache
