# Grooming-gangs commitments tracker. `make` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
PORT ?= 8000
# uv from PATH if present, else a private copy installed from PyPI into .tools/.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium

.PHONY: help install run test bench loadtest lint format check browser clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	UV_PYTHON=$(PYTHON) $(UV) sync --locked --quiet
	@touch $@

install: $(VENV)/.synced ## Create .venv with the pinned dependencies (uv.lock)

run: install ## Set up a SQLite database, load the curated data and serve on 127.0.0.1:$PORT
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_curated
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

browser: ## Install Debian's Chromium for the browser tests if it is missing
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

test: install browser ## Run the whole test suite (PostgreSQL when DATABASE_URL is set, else SQLite)
	$(PY) -m pytest $(PYTEST_ARGS)

# PostgreSQL database the benchmarks may create and empty (set BENCH_DATABASE_URL= to skip).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker_bench
# The site benchmark keeps its large dataset in its own database on the same server.
BENCH_SITE_DATABASE_URL ?= $(dir $(BENCH_DATABASE_URL))tracker_bench_site
# The exports benchmark (100,000 funding lines) too.
BENCH_EXPORTS_DATABASE_URL ?= $(dir $(BENCH_DATABASE_URL))tracker_bench_exports

bench: install ## Run the benchmarks in benchmarks/ (SQLite, and PostgreSQL at $BENCH_DATABASE_URL)
	$(PY) -c "from benchmarks._results import reset; reset()"
	$(PY) benchmarks/parsing.py
	$(PY) benchmarks/import_sources.py
	@if [ -n "$(BENCH_DATABASE_URL)" ]; then \
		$(PY) benchmarks/import_sources.py --database-url "$(BENCH_DATABASE_URL)" && \
		$(PY) benchmarks/watch.py --database-url "$(BENCH_DATABASE_URL)" && \
		$(PY) benchmarks/site.py --database-url "$(BENCH_SITE_DATABASE_URL)" && \
		$(PY) benchmarks/exports.py --database-url "$(BENCH_EXPORTS_DATABASE_URL)"; fi
	$(PY) benchmarks/report.py

loadtest: install ## 60 s of wrk (32 connections) on gunicorn + PostgreSQL: 0 errors, utm at >= 0.8x cached
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(PY) benchmarks/loadtest.py

lint: install ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Reformat the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install ## Django system checks and the migrations check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

BACKUP_FILE ?=
.PHONY: backup restore restore-drill
backup: install ## Back up the database (DATABASE_URL, else db.sqlite3) to backups/ or $BACKUP_FILE
	$(PY) manage.py backup $(if $(BACKUP_FILE),--output "$(BACKUP_FILE)")

restore: install ## Restore BACKUP_FILE=... into the database (REPLACE=1 to overwrite data)
	@test -n "$(BACKUP_FILE)" || { echo "Usage: make restore BACKUP_FILE=backups/....backup [REPLACE=1]"; exit 2; }
	$(PY) manage.py restore "$(BACKUP_FILE)" $(if $(REPLACE),--replace)

restore-drill: install ## Back up, restore into a new database, compare, verify, serve it
	$(PY) -m ops.restore_drill

.PHONY: csv-check
csv-check: install ## Open every CSV export in LibreOffice (installed if missing); fail on any formula
	$(PY) tools/csv_formula_check.py

clean: ## Remove the virtual environment, tools and the SQLite database
	rm -rf $(VENV) .tools db.sqlite3 staticfiles
