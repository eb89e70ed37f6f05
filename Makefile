# Gloss: `make run` to use it, `make test` to check it. See README.md.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run test test-sqlite test-postgres test-topology lint format bench loadtest fuzz screenshots clean

help:
	@echo "make run    set up (virtualenv, install, migrate, demo content) and serve http://127.0.0.1:8000"
	@echo "make test   install what tests need, then lint and run the suite on SQLite and PostgreSQL"
	@echo "make bench  print the performance and quality figures"
	@echo "make screenshots  every page at 360 and 1280 px, light and dark, into screenshots/"
	@echo "make loadtest  serve with gunicorn on PostgreSQL and measure requests per second (wrk)"
	@echo "make fuzz   a longer, freshly random fuzz of every endpoint (make test runs a bounded one)"

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
	@# The task worker (imports by URL, checks for changes) runs beside the web server, under
	@# run_worker: it restarts the worker if it dies (and says so) and resends stuck jobs.
	$(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
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
	$(MAKE) --no-print-directory test-topology

test-sqlite: $(VENV)/.dev-installed
	@echo "== Test suite on SQLite =="
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || (echo "Model changes without a migration: run makemigrations" && exit 1)
	$(VENV)/bin/pytest -m "not live"

test-postgres: $(VENV)/.dev-installed
	@echo "== Test suite on PostgreSQL =="
	@# The browser gates look at pages, not at the database: they run once, on SQLite.
	scripts/with-postgres $(VENV)/bin/pytest -m "not live and not gate"

# Real processes: make run's SQLite setup under 20 concurrent writers, then two gunicorn
# servers behind nginx on PostgreSQL and Redis with an RQ worker, and faults on them; and the
# hostile-input run against gunicorn with DEBUG off (fuzzing, a concurrent burst).
test-topology: $(VENV)/.dev-installed
	@echo "== Live servers: SQLite under concurrency, the topology and its faults, hostile input =="
	$(VENV)/bin/pytest -m live tests/ops tests/hostile

# Every bench prints its figures even when an earlier one missed; the run fails at the end if
# any bench failed or printed a MISS.
bench: $(VENV)/.dev-installed
	@failed=""; output=$$(mktemp); trap 'rm -f $$output' EXIT; \
	for bench in bench/bench_*.py; do \
		name=$$(basename $$bench .py); echo; echo "== $$name =="; \
		$(PY) -m bench.$$name 2>&1 | tee $$output; status=$${PIPESTATUS[0]}; \
		if [ $$status -ne 0 ] || grep -q MISS $$output; then failed="$$failed $$name"; fi; \
	done; \
	if [ -n "$$failed" ]; then echo; echo "Benches that failed or missed a target:$$failed"; exit 1; fi

# Bounded load runs on loopback (about 6 minutes): gunicorn with 2 workers on PostgreSQL,
# wrk at 50 connections, figures beside targets; LOADTEST_SECONDS shortens each run.
loadtest: $(VENV)/.dev-installed
	scripts/ensure-test-system-deps
	$(PY) -m bench.loadtest

# A longer, freshly random fuzz than the bounded one in `make test` (tests/hostile), and
# every property test drawing new examples (`make test` draws the same ones each run).
fuzz: $(VENV)/.dev-installed
	GLOSS_FUZZ_RANDOM=1 GLOSS_FUZZ_EXAMPLES=60 GLOSS_LIVE_FUZZ_REQUESTS=3000 \
		GLOSS_LIVE_FUZZ_SEED=$$RANDOM $(VENV)/bin/pytest tests/hostile -q
	GLOSS_FUZZ_RANDOM=1 $(VENV)/bin/pytest -q -m "not live and not gate" \
		$$(grep -rl "^from hypothesis" tests --include="test_*.py" | grep -v tests/hostile)

# PNGs to look at (screenshots/, ignored by git). GLOSS_SCREENSHOTS_ONLY=reader,permalink takes
# fewer; GLOSS_README_PICTURES=1 also retakes docs/reader.png and docs/reader-phone.png.
screenshots: $(VENV)/.dev-installed
	scripts/ensure-test-system-deps
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/browser/screenshots.py
	@echo "Screenshots in $${GLOSS_SCREENSHOTS:-screenshots}/"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles
