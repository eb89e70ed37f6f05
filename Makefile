# Gloss: `make run` to use it, `make test` to check it. See README.md.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run test test-sqlite test-postgres lint format bench clean

help:
	@echo "make run    set up (virtualenv, install, migrate, demo content) and serve http://127.0.0.1:8000"
	@echo "make test   install what tests need, then lint and run the suite on SQLite and PostgreSQL"
	@echo "make bench  print the performance and quality figures"

$(PY):
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

run: $(VENV)/.runtime-installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py loaddemo
	@echo "Gloss is at http://127.0.0.1:8000 (sign up there to annotate). Ctrl-C stops it."
	@# The task worker (imports by URL, checks for changes) runs beside the web server.
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	scripts/ensure-test-system-deps
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.dev-installed
	@echo "== Test suite on SQLite =="
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || (echo "Model changes without a migration: run makemigrations" && exit 1)
	$(VENV)/bin/pytest

test-postgres: $(VENV)/.dev-installed
	@echo "== Test suite on PostgreSQL =="
	scripts/with-postgres $(VENV)/bin/pytest

bench: $(VENV)/.dev-installed
	@# Every bench runs and prints all its figures; the target fails at the end if any missed.
	@failed=""; for bench in bench/bench_*.py; do \
		name=$$(basename $$bench .py); echo; echo "== $$name =="; \
		$(PY) -m bench.$$name || failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo; echo "Missed targets in:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles
