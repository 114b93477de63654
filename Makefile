# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PORT ?= 8501
# `make run` is for you alone; `make run HOST=0.0.0.0` serves the network (a team: `make serve`).
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: run serve test lint typecheck unit bench bench-load golden clean venv
PROCESSES ?= 2
SERVE_HOST ?= 127.0.0.1
SERVE_PORT ?= 8080
PRICING_DIR ?=
WRITABLE ?=

venv: $(STAMP)

# Create .venv and install exactly the locked versions (requirements.lock, made by `make lock`).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	# The project's own modules as bytecode too: an editable install leaves them as source, and a
	# server that cannot write bytecode (a read-only image) would compile them at every start.
	$(BIN)/python -m compileall -q tcocalc tcocalc_app app.py deploy
	# Compile the cost model's month walk once (numba caches it beside the module).
	$(BIN)/tcocalc report scenarios/customer_support.yaml > /dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

# The team deployment: app processes behind nginx, read-only unless WRITABLE=1 (README).
serve: $(STAMP)
	$(BIN)/python deploy/serve.py --processes $(PROCESSES) --host $(SERVE_HOST) --port $(SERVE_PORT) \
		$(if $(PRICING_DIR),--pricing-dir $(PRICING_DIR)) $(if $(WRITABLE),--writable)

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

# Capacity for a team (loopback only, ~3 minutes): cold start, CPU per interaction and per session,
# latency at 10 and 25 sessions through `make serve`'s nginx (bench/load.py).
bench-load: $(STAMP)
	$(BIN)/python -m bench load

# Regenerate the golden CSVs after an intended change to the cost model (review the diff!).
golden: $(STAMP)
	$(BIN)/python -m tests.golden

# Re-resolve requirements.lock from pyproject.toml (needs uv on the PATH or in .venv).
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
