# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PORT ?= 8501
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench golden clean venv

venv: $(STAMP)

# Create .venv and install exactly the locked versions (requirements.lock, made by `make lock`).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	# Compile the cost model's month walk once (numba caches it beside the module).
	$(BIN)/tcocalc report scenarios/customer_support.yaml > /dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q -m "not browser"

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

# Regenerate the golden CSVs after an intended change to the cost model (review the diff!).
golden: $(STAMP)
	$(BIN)/python -m tests.golden

# Re-resolve requirements.lock from pyproject.toml (needs uv on the PATH or in .venv).
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
