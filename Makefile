# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# Links made outside a request (e-mail, the PDF's QR code) point here; an address already set is kept.
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test test-browser lint install migrate demo clean bench load cluster-test

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

run: migrate
	DEBUG=1 SITE_URL='$(SITE_URL)' $(PY) manage.py bootstrap
	DEBUG=1 SITE_URL='$(SITE_URL)' $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: install
	REQUIRE_BROWSER=1 $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Benchmark (issue 7): synthetic 20-year archive in its own database (<name>_bench on DATABASE_URL's server,
# else bench/bench.sqlite3), prints a table and writes bench/results.json. Installs wrk when missing.
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq wrk || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }; }
	$(PY) -m bench.run $(BENCH_ARGS)

# Load test (issue 8): 50 readers for 60 s against gunicorn on loopback while an issue is published
# (tests/load/run.py; fresh SQLite database, or LOAD_ARGS="--database-url postgres://..." for PostgreSQL).
# Not part of `make test`. Installs wrk when missing.
load: install
	@command -v wrk >/dev/null 2>&1 || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq wrk || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }; }
	$(PY) tests/load/run.py $(LOAD_ARGS)

# Cluster test (issue 17): two gunicorn replicas, a worker, PostgreSQL (postgres@127.0.0.1:5432, or
# CLUSTER_ARGS="--database-url postgres://..."), Redis and moto's S3 server, all on loopback; publishes,
# withdraws, kills the worker mid-render, loads both replicas, backs up and restores (tests/cluster/run.py,
# writes test-artifacts/cluster.json). Not part of `make test`. Installs redis-server when missing.
cluster-test: install
	@command -v redis-server >/dev/null 2>&1 || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq redis-server || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server; }; }
	$(PY) tests/cluster/run.py $(CLUSTER_ARGS)
