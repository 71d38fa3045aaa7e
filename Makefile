# Minsheng — the two commands: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | md5sum | cut -c1-12)
PORT ?= 8000
SCALE ?= city
SEED ?= 2025
export PORT

.PHONY: demo test install system-deps lint typecheck test-sqlite test-postgres test-browser messages lock bench clean

demo: install messages
	$(BIN)/minsheng demo --scale $(SCALE) --seed $(SEED) $(if $(RESET),--reset,)

test: install system-deps messages lint typecheck test-sqlite test-postgres test-browser

install: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

system-deps:
	@scripts/system-deps.sh

messages: install
	@scripts/system-deps.sh gettext
	@cd src/minsheng && ../../$(BIN)/minsheng compilemessages --verbosity 0

lint: install
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy
	$(BIN)/minsheng makemigrations --check --dry-run --verbosity 0

test-sqlite: install messages
	$(BIN)/pytest -m "not browser" -q

test-postgres: install messages system-deps
	scripts/with-postgres.sh $(BIN)/pytest -m "not browser" -q

test-browser: install messages system-deps
	$(BIN)/pytest -m browser -q

bench: install
	$(BIN)/python bench/bench_regions.py
	$(BIN)/python bench/bench_demo.py
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_collection.py
	$(BIN)/python bench/bench_survey.py
	$(BIN)/python bench/bench_polls.py
	$(BIN)/python bench/bench_reviews.py

lock:
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v "^minsheng\|^pip==" \
	  | sed '1i # Exact versions installed by `make` (generated with `pip freeze`; refresh with `make lock`).' > requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
