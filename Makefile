# Minsheng — the two commands: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | md5sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements-dev.lock pyproject.toml | md5sum | cut -c1-12)
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
PORT ?= 8000
SCALE ?= city
SEED ?= 2025
export PORT

.PHONY: demo test install install-dev system-deps lint typecheck test-dbs test-sqlite test-postgres test-browser messages lock bench clean

demo: install messages
	$(BIN)/minsheng demo --scale $(SCALE) --seed $(SEED) $(if $(RESET),--reset,)

test: install-dev system-deps messages lint typecheck test-dbs test-browser

# SQLite and PostgreSQL side by side: the PostgreSQL run waits on its server half the time, so
# the two together take little longer than the PostgreSQL run alone (each has its own var/).
test-dbs: install-dev messages system-deps
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# What the product runs on (`make demo`), and that plus the test and lint tools (`make test`).
install: $(STAMP)
install-dev: $(DEV_STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-[0-9a-f][0-9a-f][0-9a-f]* && touch $@  # not the dev stamp

$(DEV_STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements-dev.lock
	$(PIP) --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@ $(STAMP)

system-deps:
	@scripts/system-deps.sh

messages: install
	@scripts/system-deps.sh gettext pango fonts-noto-cjk
	@cd src/minsheng && ../../$(BIN)/minsheng compilemessages --verbosity 0

lint: install-dev
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy
	$(BIN)/minsheng makemigrations --check --dry-run --verbosity 0

test-sqlite: install-dev messages
	$(BIN)/pytest -m "not browser" -q

test-postgres: install-dev messages system-deps
	scripts/with-postgres.sh $(BIN)/pytest -m "not browser" -q

test-browser: install-dev messages system-deps
	$(BIN)/pytest -m browser -q

bench: install-dev
	$(BIN)/python bench/bench_regions.py
	$(BIN)/python bench/bench_demo.py
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_collection.py
	$(BIN)/python bench/bench_survey.py
	$(BIN)/python bench/bench_polls.py
	$(BIN)/python bench/bench_reviews.py
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/bench_plans.py
	$(BIN)/python bench/bench_supervision.py
	$(BIN)/python bench/bench_catalog.py
	$(BIN)/python bench/bench_halls.py
	$(BIN)/python bench/bench_assess.py
	$(BIN)/python bench/bench_inspections.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_hotline.py

lock: install-dev
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --all-build-deps -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --all-build-deps --extra dev -c requirements.lock \
	  -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
